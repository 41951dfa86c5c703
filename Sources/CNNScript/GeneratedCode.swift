// GeneratedCode: a Python script that a CodeGenerator wrote for a `code` command, with the data files it
// needs beside it: data that the interpreter writes to files and CNNExplain shows.
import CNNCore

/// A generated Python script and the arrays it loads from .npy files (those too large to embed).
public struct GeneratedCode: Equatable, Sendable {
    /// One array the script loads with np.load: the file name (relative to the script) and its values.
    public struct DataFile: Equatable, Sendable {
        /// The file name, e.g. "mnist_out_mnist_4_kernel.npy", written beside the script.
        public var fileName: String
        /// The values to save.
        public var tensor: Tensor

        /// Creates a data file.
        public init(fileName: String, tensor: Tensor) {
            self.fileName = fileName
            self.tensor = tensor
        }
    }

    /// The script's lines, without line ends.
    public var lines: [String]
    /// The arrays to save beside the script (only when the code goes to a file).
    public var dataFiles: [DataFile]
    /// One line for the learner about what the script is, e.g. "Keras 3 code for the model mnist".
    public var title: String
    /// The file name the script was written for, e.g. "mnist.py" (the name to suggest when it is shown).
    public var scriptName: String
    /// The command that runs the script, e.g. "python3" or "KERAS_BACKEND=jax python3".
    public var runner: String

    /// Creates generated code.
    public init(lines: [String], dataFiles: [DataFile] = [], title: String, scriptName: String = "script.py",
                runner: String = "python3") {
        self.lines = lines
        self.dataFiles = dataFiles
        self.title = title
        self.scriptName = scriptName
        self.runner = runner
    }

    /// The whole script, each line ending in a newline.
    public var text: String { lines.map { $0 + "\n" }.joined() }
}
