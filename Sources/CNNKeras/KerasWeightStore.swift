// KerasWeightStore: the weights of a .keras file (its model.weights.h5 entry), read and written through the
// HDF5 C library (CHDF5) on an image in memory.
//
// Keras 3's H5IOStore keeps layer k's variables as datasets "0", "1", ... of the group
// "layers/<layer>/vars", where <layer> is the snake-case class name numbered by repeats in the model's layer
// list (conv2d, conv2d_1, ...; KerasNames.swift). The reader opens only the datasets the config names,
// checks that each is a floating-point array of exactly the shape the layer needs, and refuses anything
// else; every other object in the file (the optimizer's state, say) is left unread. The writer stores
// float32, as Keras does. The library is not thread-safe in Debian's serial build, so every call into it
// holds one lock.
import CHDF5
import CNNCore
import Foundation

/// One dataset of the weights file: where it is and the shape the config says it has.
struct KerasDatasetSlot {
    /// "layers/conv2d/vars/0".
    var path: String
    /// The shape the layer needs, e.g. [3, 3, 1, 8].
    var shape: [Int]
    /// "the kernel of conv2d (Conv2D)", for messages.
    var what: String
}

/// Reading and writing HDF5 weight files in memory.
enum KerasWeightStore {
    /// One lock around every use of the HDF5 library.
    private static let lock = NSLock()

    /// Reads the datasets at `slots` from the HDF5 image `bytes`, as float64 tensors. `name` starts messages.
    static func read(_ bytes: [UInt8], slots: [KerasDatasetSlot], name: String) throws -> [Tensor] {
        guard bytes.count >= 8, bytes.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]) else {
            throw CoreError("\(name): model.weights.h5 is not an HDF5 file")
        }
        lock.lock()
        defer { lock.unlock() }
        cnn_h5_quiet()
        let file = bytes.withUnsafeBytes { cnn_h5_open_image($0.baseAddress, $0.count) }
        guard file >= 0 else { throw CoreError("\(name): model.weights.h5 cannot be opened: the HDF5 file is damaged") }
        defer { cnn_h5_close_file(file) }
        var tensors: [Tensor] = []
        for slot in slots {
            try Interruption.check("load")
            var path = Array(slot.path.utf8CString)
            let exists = path.withUnsafeMutableBufferPointer { cnn_h5_exists(file, $0.baseAddress) }
            guard exists > 0 else {
                throw CoreError("\(name): model.weights.h5 has no \(slot.path), \(slot.what)",
                                hint: "the weights do not belong to this config; save the model again with model.save(...)")
            }
            let dataset = cnn_h5_open_dataset(file, slot.path)
            guard dataset >= 0 else { throw CoreError("\(name): \(slot.path) in model.weights.h5 is not an array of numbers") }
            defer { cnn_h5_close_dataset(dataset) }
            var size = 0
            let isFloat = cnn_h5_dataset_is_float(dataset, &size) == 1
            guard isFloat, size == 4 || size == 8 else {
                throw CoreError("\(name): \(slot.path) (\(slot.what)) holds \(isFloat ? "\(size * 8)-bit floating-point numbers" : "values that are not floating-point numbers"), and cnnrepl reads float32 and float64",
                                hint: "Keras stores weights as float32 unless the model itself is float16 or bfloat16: build it in float32, load the weights into it, and save that")
            }
            var dims = [UInt64](repeating: 0, count: 8)
            let rank = dims.withUnsafeMutableBufferPointer { cnn_h5_dataset_shape(dataset, $0.baseAddress, 8) }
            guard rank >= 0, rank <= 8 else { throw CoreError("\(name): \(slot.path) (\(slot.what)) has a shape that cannot be read") }
            let found = dims.prefix(Int(rank)).map { Int(clamping: $0) }
            guard found == slot.shape else {
                throw CoreError("\(name): \(slot.path), \(slot.what), is \(found.isEmpty ? "a single number" : Shape.describe(found)) in model.weights.h5, but the config needs \(Shape.describe(slot.shape))",
                                hint: "the weights do not belong to this config")
            }
            let count = try Limits.elementCount(of: slot.shape, for: "load")
            var values = [Double](repeating: 0, count: count)
            let status = values.withUnsafeMutableBufferPointer { cnn_h5_read_doubles(dataset, $0.baseAddress) }
            guard status == 0 else { throw CoreError("\(name): \(slot.path) (\(slot.what)) cannot be read: the HDF5 file is damaged") }
            guard values.allSatisfy(\.isFinite) else {
                throw CoreError("\(name): \(slot.path) (\(slot.what)) holds values that are not finite numbers (NaN or infinity)",
                                hint: "the model diverged in training; these weights would give NaN everywhere")
            }
            tensors.append(try Tensor(shape: slot.shape, scalars: values))
        }
        return tensors
    }

    /// One layer's group in a file to write: its path, its Keras name, and its weights in order.
    struct LayerGroup {
        /// "layers/conv2d".
        var path: String
        /// The layer's Keras name (the group's `name` attribute, as Keras writes it).
        var name: String
        /// The weights, stored as datasets "0", "1", ...
        var weights: [Tensor]
    }

    /// The bytes of an HDF5 file holding `layers` (and the model's own empty "vars" group), in float32.
    static func write(layers: [LayerGroup], modelName: String) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        cnn_h5_quiet()
        let file = cnn_h5_create_image()
        guard file >= 0 else { throw CoreError("save: the HDF5 weights file could not be created") }
        defer { cnn_h5_close_file(file) }
        func group(_ path: String, name: String?) throws {
            let made = cnn_h5_create_group(file, path)
            guard made >= 0 else { throw CoreError("save: the group \(path) could not be written") }
            defer { cnn_h5_close_group(made) }
            if let name, cnn_h5_write_string_attribute(made, "name", name) != 0 {
                throw CoreError("save: the name of \(path) could not be written")
            }
        }
        try group("layers", name: nil)
        for layer in layers {
            try group(layer.path, name: nil)
            try group(layer.path + "/vars", name: layer.name)
            for (index, tensor) in layer.weights.enumerated() {
                let dims = tensor.shape.map { UInt64($0) }
                let status = dims.withUnsafeBufferPointer { shape in
                    tensor.scalars.withUnsafeBufferPointer { values in
                        cnn_h5_write_float32(file, "\(layer.path)/vars/\(index)", shape.baseAddress, Int32(dims.count), values.baseAddress)
                    }
                }
                guard status == 0 else { throw CoreError("save: the weights \(layer.path)/vars/\(index) could not be written") }
            }
        }
        try group("vars", name: modelName)
        let size = cnn_h5_image(file, nil, 0)
        guard size > 0 else { throw CoreError("save: the HDF5 weights file could not be made") }
        var bytes = [UInt8](repeating: 0, count: size)
        let copied = bytes.withUnsafeMutableBytes { cnn_h5_image(file, $0.baseAddress, $0.count) }
        guard copied == size else { throw CoreError("save: the HDF5 weights file could not be made") }
        return bytes
    }
}
