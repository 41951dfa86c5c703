// SeedModels: the model blocks of /work/shared/SEEDS.md as a learner types them, shared by the parser,
// interpreter, summary, run and code-generator tests.

/// The seed models' blocks.
public enum SeedModels {
    /// The MNIST model: two 3x3 convolutions, max pooling, two dense layers (1,625,866 parameters).
    public static let mnist = """
        model mnist 28x28x1
          conv 32 3x3 relu same
          conv 64 3x3 relu same
          maxpool 2x2
          flatten
          dense 128 relu
          dense 10 softmax
        end
        """

    /// The CIFAR-10 model: three 3x3 convolutions with max pooling between, two dense layers.
    public static let cifar = """
        model cifar 32x32x3
          conv 32 3x3 relu
          maxpool 2x2
          conv 64 3x3 relu
          maxpool 2x2
          conv 64 3x3 relu
          flatten
          dense 64 relu
          dense 10 softmax
        end
        """
}
