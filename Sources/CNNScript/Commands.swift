// Commands: the statements that are not functions (help, vars, seed, trace, model, ...), documented in one
// place so that `help NAME`, tab completion and docs/LANGUAGE.md all read the same text.

/// The documentation of one command.
public struct CommandDoc: Sendable {
    /// The command's name.
    public let name: String
    /// How it is written, e.g. "trace NAME[i, j]".
    public let usage: String
    /// One line: what it does.
    public let summary: String
    /// A few sentences for `help NAME`.
    public let details: String
    /// Runnable examples.
    public let examples: [String]
}

/// Every command of the language.
public enum Commands {
    /// All commands, in documentation order.
    public static let all: [CommandDoc] = [
        CommandDoc(name: "help", usage: "help [NAME]", summary: "List everything, or explain one built-in or command.",
                   details: "help conv shows the signature, what it computes and an example.", examples: ["help", "help conv"]),
        CommandDoc(name: "vars", usage: "vars", summary: "List the variables: name, shape and how each was made.",
                   details: "", examples: ["vars"]),
        CommandDoc(name: "clear", usage: "clear", summary: "Forget every variable (the seed and precision stay).",
                   details: "`reset` does the same and also restores the default seed and precision.", examples: ["clear"]),
        CommandDoc(name: "reset", usage: "reset", summary: "Forget every variable and restore the default seed and precision.",
                   details: "", examples: ["reset"]),
        CommandDoc(name: "seed", usage: "seed N", summary: "Restart the random generator from seed N.",
                   details: "The same seed gives the same numbers on every machine; a session starts with seed 42.",
                   examples: ["seed 7"]),
        CommandDoc(name: "precision", usage: "precision N", summary: "Show N decimals for numbers that are not whole (default 2).",
                   details: "Whole numbers always print without decimals.", examples: ["precision 4"]),
        CommandDoc(name: "trace", usage: "trace NAME[i, j] | trace NAME[i, j, c]",
                   summary: "Explain how one cell of a variable was computed, back to the original input.",
                   details: """
                       For a convolution: the input with the window marked, the window's values, the kernel, the
                       element-wise products and their sum (+ bias). For pooling: the window and the winner or the
                       average. For relu: the value before and after. Then step by step back through the chain, with
                       the receptive field (size r, jump j, start) of each step. Indices start at 0.
                       """,
                   examples: ["trace f[0, 0]", "trace maps[1, 2, 0]"]),
        CommandDoc(name: "show", usage: "show X [Y ...] [colors=viridis|gray] [scale=shared|each]",
                   summary: "Draw maps as heatmaps in the terminal, side by side, with a value scale.",
                   details: """
                       One character per cell (two across, so cells are square): without colour an ASCII ramp
                       " .:-=+*#%@" from the smallest value to the largest; on a colour terminal coloured half blocks
                       (24-bit where the terminal says so, else 256 colours), viridis or gray. Several maps stand side by
                       side (at most 16): the channels of one H x W x C stack share one scale so they can be compared,
                       separate tensors (show image f) each get their own; scale=shared or scale=each decides. Small maps
                       are drawn larger so a 3x3 kernel is visible; large ones are averaged down to the terminal's width.
                       """,
                   examples: ["show image", "show maps", "show m0 m1 m2 scale=shared", "show sample(\"digit\") colors=gray"]),
        CommandDoc(name: "params", usage: "params conv KxKxCINxCOUT | params dense INxOUT | params maxpool",
                   summary: "Count a layer's parameters with the arithmetic written out.",
                   details: "A conv layer has kh x kw x Cin x Cout weights plus one bias per filter; a dense layer in x out weights plus out biases; pooling and flatten have none.",
                   examples: ["params conv 3x3x32x64", "params dense 12544x128"]),
        CommandDoc(name: "model", usage: "model NAME SHAPE ... end",
                   summary: "Declare a network layer by layer from an input shape, like Keras' Sequential.",
                   details: """
                       One layer per line: conv F KxK [stride S] [valid|same] [dilation D] [activation],
                       maxpool KxK [stride S] [valid|same], avgpool ..., globalavgpool, globalmaxpool, flatten,
                       dense N [activation], dropout RATE, and relu/softmax/sigmoid/tanh as layers. The block ends with `end`.
                       """,
                   examples: ["model tiny 28x28x1\n  conv 8 3x3 relu\n  maxpool 2x2\n  flatten\n  dense 10 softmax\nend"]),
        CommandDoc(name: "summary", usage: "summary NAME", summary: "Print a model's layers, output shapes and parameter counts like Keras.",
                   details: "With the arithmetic of every count and the receptive field of every layer.", examples: ["summary mnist"]),
        CommandDoc(name: "run", usage: "run NAME [x]",
                   summary: "Run a declared model on x (or on a random input), layer by layer, with fresh random weights.",
                   details: """
                       Weights are drawn like a new Keras model's: kernels Glorot uniform in ±sqrt(6/(fan_in + fan_out))
                       (a conv kernel kh x kw x Cin x Cout has fan_in = kh*kw*Cin, fan_out = kh*kw*Cout), biases 0,
                       from the session's random generator (`seed N` first repeats a run). Dropout is off, as when
                       predicting. Each layer prints its step, shape arithmetic and a preview. The results stay as
                       variables: NAME_in (a random or reshaped input), NAME_1 ... NAME_N (each layer's output),
                       NAME_out (the last one) and NAME_K_kernel, NAME_K_bias (the weights), so `trace` works on them.
                       """,
                   examples: ["run mnist", "run mnist x", "trace mnist_1[0, 0, 0]"]),
        CommandDoc(name: "limits", usage: "limits | limits elements N | limits memory N [MB|GB]",
                   summary: "Show the resource limits, or change the element or memory limit of this session.",
                   details: """
                       Every tensor is checked against two limits before it is made: elements per tensor (100 million)
                       and the session's memory (2 GB), which counts every variable and the tensors its history keeps
                       for trace. `limits elements N` and `limits memory N GB` change them for this session; cnnrepl's
                       --max-elements and --max-memory set them at start. The other limits are fixed (docs/LIMITS.md).
                       """,
                   examples: ["limits", "limits memory 4 GB", "limits elements 200000000"]),
        CommandDoc(name: "code", usage: "code keras MODEL | code torch MODEL | code numpy VAR [> NAME.py | file=\"NAME.py\"]",
                   summary: "Write the Python that does the same in Keras 3, PyTorch or NumPy.",
                   details: """
                       code keras mnist shows a complete Keras 3 script building the model as a Sequential with the
                       same layers, shapes, padding and activations, ending in model.summary(). code torch mnist shows
                       the PyTorch nn.Sequential (channels first; TensorFlow's asymmetric `same` padding as an explicit
                       nn.ZeroPad2d) and a loop printing each layer's output shape and parameters. code numpy f shows
                       NumPy code that recomputes f step by step as it was made (conv with sliding_window_view, pooling,
                       activations, dense), so cnnrepl's numbers can be checked in Python; values typed in or drawn at
                       random are embedded at full precision. The code is shown indented, like every value; with
                       > NAME.py at the end of the line (or file="NAME.py") it is written to that file, ready to run
                       with python3 (arrays too large to embed are saved beside it as .npy files).
                       """,
                   examples: ["code keras mnist", "code torch mnist", "code numpy f", "code keras mnist > mnist.py", "code torch mnist file=\"mnist_torch.py\""]),
        CommandDoc(name: "step", usage: "step NAME RATE [loss=LOSS]",
                   summary: "One step of gradient descent: NAME = NAME - RATE * grad(loss, NAME), then the loss again.",
                   details: """
                       Moves every value of the variable against its gradient, scaled by the learning rate, and prints
                       the values before, the gradient and the values after. Then everything between the variable and
                       the loss (the variable `loss`, or loss=LOSS) is computed again from the new values, and the loss
                       before and after is shown: repeat the step and watch the loss fall. Variables that held a
                       recomputed value (a feature map made from the kernel) are updated too.
                       """,
                   examples: ["step k 0.1", "step w 0.01 loss=err"]),
        CommandDoc(name: "train", usage: "train MODEL DATA [epochs=20] [batch=32] [optimizer=sgd|momentum|rmsprop|adam] [lr=RATE]",
                   summary: "Fit a declared model to a data set, like Keras' model.fit, and show loss and accuracy per epoch.",
                   details: """
                       Weights start Glorot uniform (biases 0) from the session's random generator, so `seed N` first
                       repeats a run. Each epoch shuffles the training examples, and for every batch averages the
                       gradient of the crossentropy over its examples and lets the optimizer move the weights (Keras'
                       rules and default learning rates: 0.01 for sgd and momentum, 0.001 for rmsprop and adam).
                       Dropout is active only while training. The model must end in softmax with one unit per class.
                       After each epoch the held-out examples give val_loss and val_accuracy. The history is kept in
                       the variable `history` (plot history, save(history, "curves.png")); the weights stay with the
                       model for evaluate and predict.
                       """,
                   examples: ["train small data epochs=20 batch=32 optimizer=adam lr=0.01"]),
        CommandDoc(name: "evaluate", usage: "evaluate MODEL DATA",
                   summary: "The trained model's loss and accuracy on the training and the validation examples.",
                   details: "Dropout is off, as in Keras' model.evaluate.", examples: ["evaluate small data"]),
        CommandDoc(name: "predict", usage: "predict MODEL x",
                   summary: "The trained model's probability for every class of one example, and the most likely class.",
                   details: "x is an image in the model's input shape, e.g. example(data, 0), a held-out digit.",
                   examples: ["predict small example(data, 0)"]),
        CommandDoc(name: "plot", usage: "plot HISTORY",
                   summary: "Draw the accuracy and loss curves of a training run (training and validation) in the terminal.",
                   details: "Training (*) and validation (o) per epoch; save(history, \"curves.png\") writes the same as a picture.",
                   examples: ["plot history"]),
    ]

    /// The command called `name`, if there is one.
    public static func named(_ name: String) -> CommandDoc? { all.first { $0.name == name } }

    /// Every command's name.
    public static var names: [String] { all.map(\.name) }
}
