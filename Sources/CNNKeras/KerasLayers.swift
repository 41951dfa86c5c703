// KerasLayers: one Keras 3 layer config <-> one cnnrepl layer, for every kind cnnrepl has.
//
// Reading takes a layer's class_name and config (as config.json holds them) and builds the CNNCore layer with
// the same settings, refusing any setting cnnrepl would compute differently (channels_first, groups,
// a leaky ReLU of another slope, ...) with a message that names the layer, its class and the setting.
// Writing gives the config Keras' from_config reads back (keras.layers.<class>(**config)). A new layer kind
// adds a case to both directions here.
import CNNCore

/// The layer kinds cnnrepl reads from and writes to Keras files.
enum KerasLayers {
    /// Every Keras class cnnrepl reads, in the order messages list them.
    static let supported = ["Conv2D", "Dense", "MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D",
                            "GlobalAveragePooling2D", "Flatten", "Dropout", "Activation", "ReLU", "LeakyReLU", "Softmax",
                            "BatchNormalization", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "Add",
                            "Concatenate", "ZeroPadding2D", "UpSampling2D"]

    /// Keras' activation names that cnnrepl computes the same way.
    static let activations: [String: ActivationKind] = [
        "linear": .linear, "relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "softmax": .softmax, "relu6": .relu6,
    ]

    // MARK: - Reading

    /// The cnnrepl layer for Keras layer `name` of class `className` with `config`.
    static func layer(className: String, config: JSONValue, name: String) throws -> LayerSpec {
        let reader = ConfigReader(config: config, label: "layer '\(name)' (\(className))")
        switch className {
        case "Conv2D":
            try reader.channelsLast()
            guard (try reader.optionalInt("groups") ?? 1) == 1 else { throw reader.unsupported("groups other than 1") }
            return LayerSpec(ConvolutionLayer(filters: try reader.count("filters"), kernel: try reader.pair("kernel_size"),
                                              stride: try reader.pair("strides", default: 1), padding: try reader.padding(),
                                              dilation: try reader.pair("dilation_rate", default: 1),
                                              activation: try reader.activation(), useBias: try reader.bool("use_bias", default: true)))
        case "Dense":
            return LayerSpec(DenseLayer(units: try reader.count("units"), activation: try reader.activation(),
                                        useBias: try reader.bool("use_bias", default: true)))
        case "MaxPooling2D", "AveragePooling2D":
            try reader.channelsLast()
            let size = try reader.pair("pool_size", default: 2)
            let stride = try reader.config["strides"].flatMap { $0.isNull ? nil : try reader.pair("strides") }
            return LayerSpec(PoolingLayer(kind: className == "MaxPooling2D" ? .max : .average, size: size,
                                          stride: stride == size ? nil : stride, padding: try reader.padding()))
        case "GlobalMaxPooling2D", "GlobalAveragePooling2D":
            try reader.channelsLast()
            guard !(try reader.bool("keepdims", default: false)) else { throw reader.unsupported("keepdims=True") }
            return LayerSpec(GlobalPoolingLayer(kind: className == "GlobalMaxPooling2D" ? .max : .average))
        case "Flatten":
            try reader.channelsLast()
            return LayerSpec(FlattenLayer())
        case "Dropout":
            guard reader.config["noise_shape"]?.isNull ?? true else { throw reader.unsupported("a noise_shape") }
            let rate = try reader.number("rate")
            guard rate >= 0, rate < 1 else { throw reader.invalid("rate", "from 0 up to (not including) 1") }
            return LayerSpec(DropoutLayer(rate: rate))
        case "Activation":
            return LayerSpec(ActivationLayer(try reader.activation()))
        case "ReLU":
            let slope = try reader.optionalNumber("negative_slope") ?? 0, threshold = try reader.optionalNumber("threshold") ?? 0
            guard slope == 0, threshold == 0 else { throw reader.unsupported("a negative_slope or threshold other than 0") }
            switch try reader.optionalNumber("max_value") {
            case nil: return LayerSpec(ActivationLayer(.relu))
            case 6?: return LayerSpec(ActivationLayer(.relu6))
            default: throw reader.unsupported("a max_value other than 6 (relu6)")
            }
        case "LeakyReLU":
            let slope = try reader.optionalNumber("negative_slope") ?? 0.3
            guard abs(slope - Activation.defaultLeakySlope) < 1e-7 else {
                throw reader.unsupported("negative_slope=\(Format.number(slope)): cnnrepl's leakyrelu has slope \(Format.number(Activation.defaultLeakySlope))")
            }
            return LayerSpec(ActivationLayer(.leakyrelu))
        case "Softmax":
            guard [nil, -1].contains(try reader.optionalInt("axis")) else { throw reader.unsupported("an axis other than -1") }
            return LayerSpec(ActivationLayer(.softmax))
        case "BatchNormalization":
            guard [nil, -1, 3].contains(try reader.optionalInt("axis")) else { throw reader.unsupported("an axis other than the channels (-1)") }
            guard try reader.bool("center", default: true), try reader.bool("scale", default: true) else {
                throw reader.unsupported("center=False or scale=False")
            }
            guard !(try reader.bool("renorm", default: false)) else { throw reader.unsupported("renorm=True") }
            let epsilon = try reader.optionalNumber("epsilon") ?? BatchNormalization.defaultEpsilon
            let momentum = try reader.optionalNumber("momentum") ?? BatchNormalization.momentum
            guard epsilon > 0, epsilon.isFinite else { throw reader.invalid("epsilon", "a positive number") }
            guard momentum >= 0, momentum <= 1 else { throw reader.invalid("momentum", "from 0 to 1") }
            return LayerSpec(BatchNormLayer(epsilon: epsilon, momentum: momentum))
        case "DepthwiseConv2D":
            try reader.channelsLast()
            return LayerSpec(DepthwiseConvolutionLayer(kernel: try reader.pair("kernel_size"), stride: try reader.pair("strides", default: 1),
                                                       padding: try reader.padding(), dilation: try reader.pair("dilation_rate", default: 1),
                                                       multiplier: try reader.count("depth_multiplier", default: 1),
                                                       activation: try reader.activation(), useBias: try reader.bool("use_bias", default: true)))
        case "SeparableConv2D":
            try reader.channelsLast()
            return LayerSpec(SeparableConvolutionLayer(filters: try reader.count("filters"), kernel: try reader.pair("kernel_size"),
                                                       stride: try reader.pair("strides", default: 1), padding: try reader.padding(),
                                                       dilation: try reader.pair("dilation_rate", default: 1),
                                                       multiplier: try reader.count("depth_multiplier", default: 1),
                                                       activation: try reader.activation(), useBias: try reader.bool("use_bias", default: true)))
        case "Conv2DTranspose":
            try reader.channelsLast()
            guard try reader.pair("dilation_rate", default: 1) == Pair(square: 1) else { throw reader.unsupported("a dilation_rate other than 1") }
            let outputPadding = try reader.config["output_padding"].flatMap { $0.isNull ? nil : try reader.pair("output_padding", allowZero: true) }
            return LayerSpec(TransposedConvolutionLayer(filters: try reader.count("filters"), kernel: try reader.pair("kernel_size"),
                                                        stride: try reader.pair("strides", default: 1), padding: try reader.padding(),
                                                        outputPadding: outputPadding, activation: try reader.activation(),
                                                        useBias: try reader.bool("use_bias", default: true)))
        case "Add":
            return LayerSpec(AddLayer())
        case "Concatenate":
            guard [nil, -1, 3].contains(try reader.optionalInt("axis")) else { throw reader.unsupported("an axis other than the channels (-1)") }
            return LayerSpec(ConcatLayer())
        case "ZeroPadding2D":
            try reader.channelsLast()
            return LayerSpec(ZeroPaddingLayer(try reader.paddingAmounts()))
        case "UpSampling2D":
            try reader.channelsLast()
            guard (reader.config["interpolation"]?.string ?? "nearest") == "nearest" else {
                throw reader.unsupported("interpolation='\(reader.config["interpolation"]?.string ?? "")' (cnnrepl repeats cells: nearest)")
            }
            return LayerSpec(UpsampleLayer(size: try reader.pair("size", default: 2)))
        default:
            throw unsupportedClass(className, name: name)
        }
    }

    /// The error for a class cnnrepl does not have.
    static func unsupportedClass(_ className: String, name: String) -> CoreError {
        CoreError("layer '\(name)' is a \(className), which cnnrepl does not have",
                  hint: "cnnrepl reads these Keras layers: \(supported.joined(separator: ", "))")
    }

    // MARK: - Writing

    /// The Keras class name and config of a cnnrepl layer named `name`; throws for a setting Keras cannot express.
    static func config(of spec: LayerSpec, name: String) throws -> (className: String, config: [String: JSONValue]) {
        var config: [String: JSONValue] = ["name": .string(name), "trainable": .bool(true), "dtype": .string("float32")]
        func pair(_ p: Pair) -> JSONValue { .array([.int(p.rows), .int(p.cols)]) }
        func padding(_ p: Padding) throws -> JSONValue {
            switch p {
            case .valid: return .string("valid")
            case .same: return .string("same")
            default:
                throw CoreError("save: layer '\(name)' pads \(p), which Keras' \(spec.kerasClassName) cannot say (only valid or same)",
                                hint: "pad with a zeropad layer before it and use valid padding")
            }
        }
        func activation(_ kind: ActivationKind) throws -> JSONValue {
            guard let word = activations.first(where: { $0.value == kind })?.key else {
                throw CoreError("save: layer '\(name)' ends in \(kind.rawValue), which Keras cannot name as an activation of \(spec.kerasClassName) (its \"leaky_relu\" has slope 0.2)",
                                hint: "make it a layer of its own: a leakyrelu line after the layer (Keras' LeakyReLU(0.3))")
            }
            return .string(word)
        }
        let className = spec.kerasClassName
        switch spec.layer {
        case let layer as ConvolutionLayer:
            config.merge(["filters": .int(layer.filters), "kernel_size": pair(layer.kernel), "strides": pair(layer.stride),
                          "padding": try padding(layer.padding), "dilation_rate": pair(layer.dilation), "groups": .int(1),
                          "activation": try activation(layer.activation), "use_bias": .bool(layer.useBias),
                          "data_format": .string("channels_last")]) { $1 }
        case let layer as DenseLayer:
            config.merge(["units": .int(layer.units), "activation": try activation(layer.activation), "use_bias": .bool(layer.useBias)]) { $1 }
        case let layer as PoolingLayer:
            config.merge(["pool_size": pair(layer.size), "strides": pair(layer.stride ?? layer.size),
                          "padding": try padding(layer.padding), "data_format": .string("channels_last")]) { $1 }
        case is GlobalPoolingLayer:
            config.merge(["keepdims": .bool(false), "data_format": .string("channels_last")]) { $1 }
        case is FlattenLayer:
            config["data_format"] = .string("channels_last")
        case let layer as DropoutLayer:
            config["rate"] = .double(layer.rate)
        case let layer as ActivationLayer:
            switch layer.activation {
            case .leakyrelu: return ("LeakyReLU", config.merging(["negative_slope": .double(Activation.defaultLeakySlope)]) { $1 })
            default: config["activation"] = try activation(layer.activation)
            }
        case let layer as BatchNormLayer:
            config.merge(["axis": .int(-1), "epsilon": .double(layer.epsilon), "momentum": .double(layer.momentum),
                          "center": .bool(true), "scale": .bool(true)]) { $1 }
        case let layer as DepthwiseConvolutionLayer:
            config.merge(["kernel_size": pair(layer.kernel), "strides": pair(layer.stride), "padding": try padding(layer.padding),
                          "dilation_rate": pair(layer.dilation), "depth_multiplier": .int(layer.multiplier),
                          "activation": try activation(layer.activation), "use_bias": .bool(layer.useBias),
                          "data_format": .string("channels_last")]) { $1 }
        case let layer as SeparableConvolutionLayer:
            config.merge(["filters": .int(layer.filters), "kernel_size": pair(layer.kernel), "strides": pair(layer.stride),
                          "padding": try padding(layer.padding), "dilation_rate": pair(layer.dilation),
                          "depth_multiplier": .int(layer.multiplier), "activation": try activation(layer.activation),
                          "use_bias": .bool(layer.useBias), "data_format": .string("channels_last")]) { $1 }
        case let layer as TransposedConvolutionLayer:
            config.merge(["filters": .int(layer.filters), "kernel_size": pair(layer.kernel), "strides": pair(layer.stride),
                          "padding": try padding(layer.padding), "output_padding": layer.outputPadding.map(pair) ?? .null,
                          "dilation_rate": pair(Pair(square: 1)), "activation": try activation(layer.activation),
                          "use_bias": .bool(layer.useBias), "data_format": .string("channels_last")]) { $1 }
        case is AddLayer:
            break
        case is ConcatLayer:
            config["axis"] = .int(-1)
        case let layer as ZeroPaddingLayer:
            let a = layer.amounts
            config.merge(["padding": .array([.array([.int(a.top), .int(a.bottom)]), .array([.int(a.left), .int(a.right)])]),
                          "data_format": .string("channels_last")]) { $1 }
        case let layer as UpsampleLayer:
            config.merge(["size": pair(layer.size), "interpolation": .string("nearest"), "data_format": .string("channels_last")]) { $1 }
        default:
            throw CoreError("save: layer '\(name)' is a \(spec.kindName) layer, which cnnrepl cannot write for Keras yet")
        }
        return (className, config)
    }
}

/// Reads the settings of one layer's config, with messages that name the layer.
struct ConfigReader {
    var config: JSONValue
    /// "layer 'conv2d' (Conv2D)".
    var label: String

    func unsupported(_ what: String) -> CoreError {
        CoreError("\(label) has \(what), which cnnrepl does not compute", hint: "cnnrepl reads the settings its own layers have; change the layer in Keras")
    }

    func invalid(_ key: String, _ expected: String) -> CoreError {
        CoreError("\(label): \(key) must be \(expected), not \(describe(config[key]))")
    }

    private func describe(_ value: JSONValue?) -> String {
        guard let value else { return "missing" }
        if let bytes = try? value.bytes(), let text = String(bytes: bytes.prefix(60), encoding: .utf8) { return text }
        return "unreadable"
    }

    func channelsLast() throws {
        let format = config["data_format"]
        guard format == nil || format?.isNull == true || format?.string == "channels_last" else {
            throw unsupported("data_format='\(format?.string ?? "?")' (cnnrepl keeps images as height x width x channels, channels_last)")
        }
    }

    /// A positive whole number (filters, units), at most a million.
    func count(_ key: String, default fallback: Int? = nil) throws -> Int {
        guard let value = config[key], !value.isNull else {
            if let fallback { return fallback }
            throw invalid(key, "a whole number")
        }
        guard let n = value.int, (1...1_000_000).contains(n) else { throw invalid(key, "a whole number from 1 to 1,000,000") }
        return n
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let value = config[key], !value.isNull else { return nil }
        guard let n = value.int else { throw invalid(key, "a whole number") }
        return n
    }

    func number(_ key: String) throws -> Double {
        guard let n = try optionalNumber(key) else { throw invalid(key, "a number") }
        return n
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let value = config[key], !value.isNull else { return nil }
        guard let n = value.number, n.isFinite else { throw invalid(key, "a number") }
        return n
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = config[key], !value.isNull else { return fallback }
        guard case .bool(let b) = value else { throw invalid(key, "true or false") }
        return b
    }

    /// A size: one number or two ([3, 3]), each from 1 (0 with `allowZero`) to 10,000.
    func pair(_ key: String, default fallback: Int? = nil, allowZero: Bool = false) throws -> Pair {
        guard let value = config[key], !value.isNull else {
            if let fallback { return Pair(square: fallback) }
            throw invalid(key, "a size such as [3, 3]")
        }
        let low = allowZero ? 0 : 1
        if let n = value.int, (low...10_000).contains(n) { return Pair(square: n) }
        guard let items = value.array, items.count == 2, let rows = items[0].int, let cols = items[1].int,
              (low...10_000).contains(rows), (low...10_000).contains(cols) else {
            throw invalid(key, "two whole numbers from \(low) to 10,000, such as [3, 3]")
        }
        return Pair(rows, cols)
    }

    /// "valid" or "same".
    func padding() throws -> Padding {
        switch config["padding"]?.string ?? "valid" {
        case "valid": return .valid
        case "same": return .same
        default: throw unsupported("padding='\(config["padding"]?.string ?? "?")' (cnnrepl reads valid and same)")
        }
    }

    /// ZeroPadding2D's padding: 1, [1, 2] or [[top, bottom], [left, right]].
    func paddingAmounts() throws -> PaddingAmounts {
        let limit = 0...10_000
        guard let value = config["padding"] else { throw invalid("padding", "a padding such as [[1, 1], [1, 1]]") }
        if let n = value.int, limit.contains(n) { return PaddingAmounts(top: n, bottom: n, left: n, right: n) }
        if let items = value.array, items.count == 2 {
            if let rows = items[0].int, let cols = items[1].int, limit.contains(rows), limit.contains(cols) {
                return PaddingAmounts(top: rows, bottom: rows, left: cols, right: cols)
            }
            if let vertical = items[0].array, let horizontal = items[1].array, vertical.count == 2, horizontal.count == 2,
               let t = vertical[0].int, let b = vertical[1].int, let l = horizontal[0].int, let r = horizontal[1].int,
               [t, b, l, r].allSatisfy(limit.contains) {
                return PaddingAmounts(top: t, bottom: b, left: l, right: r)
            }
        }
        throw invalid("padding", "a padding such as [[1, 1], [1, 1]], each from 0 to 10,000")
    }

    /// The activation a layer applies: one of Keras' names that cnnrepl computes alike.
    func activation() throws -> ActivationKind {
        guard let value = config["activation"], !value.isNull else { return .linear }
        guard let word = value.string else { throw unsupported("an activation that is not one of Keras' names (a function of its own)") }
        guard let kind = KerasLayers.activations[word] else {
            if word == "leaky_relu" {
                throw unsupported("activation='leaky_relu' (slope 0.2; cnnrepl's leakyrelu has slope 0.3: use a LeakyReLU(0.3) layer)")
            }
            throw unsupported("activation='\(word)' (cnnrepl has \(KerasLayers.activations.keys.sorted().joined(separator: ", ")))")
        }
        return kind
    }
}
