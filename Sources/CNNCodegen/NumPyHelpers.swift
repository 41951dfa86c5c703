// NumPyHelpers: the small functions a generated NumPy script defines before its steps: convolution and
// pooling written out with sliding_window_view, and the numerically careful sigmoid and softmax.
//
// They compute what cnnrepl's core computes, in cnnrepl's layout (channels last, kernels kh x kw x C x F),
// so the script's numbers equal cnnrepl's up to the last bits of rounding (sums are added in another order).

/// One helper function of a generated NumPy script.
enum NumPyHelper: Int, CaseIterable, Comparable {
    case conv2d
    case depthwiseConv2d
    case conv2dTranspose
    case maxpool2d
    case avgpool2d
    case sigmoid
    case softmax
    case setCells

    static func < (lhs: NumPyHelper, rhs: NumPyHelper) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The function's name in the script.
    var name: String {
        switch self {
        case .conv2d: return "conv2d"
        case .depthwiseConv2d: return "depthwise_conv2d"
        case .conv2dTranspose: return "conv2d_transpose"
        case .maxpool2d: return "maxpool2d"
        case .avgpool2d: return "avgpool2d"
        case .sigmoid: return "sigmoid"
        case .softmax: return "softmax"
        case .setCells: return "set_cells"
        }
    }

    /// Whether the function needs sliding_window_view.
    var usesWindows: Bool { [.conv2d, .depthwiseConv2d, .maxpool2d, .avgpool2d].contains(self) }

    /// The function's source lines.
    var lines: [String] {
        switch self {
        case .conv2d:
            return [
                "def conv2d(x, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), bias=None):",
                "    \"\"\"Deep-learning convolution (cross-correlation: the kernel is not flipped), channels last.",
                "",
                "    x is H x W or H x W x C; kernel is kh x kw, one kh x kw x C filter or a kh x kw x C x F bank;",
                "    padding is ((top, bottom), (left, right)) rows and columns of zeros.",
                "    \"\"\"",
                "    one_map = x.ndim == 2 and kernel.ndim == 2",
                "    if x.ndim == 2:",
                "        x = x[:, :, np.newaxis]                        # H x W -> H x W x 1",
                "    if kernel.ndim == 2:",
                "        kernel = kernel[:, :, np.newaxis, np.newaxis]  # kh x kw -> kh x kw x 1 x 1",
                "    elif kernel.ndim == 3:",
                "        kernel = kernel[:, :, :, np.newaxis]           # one filter -> a bank of one",
                "    kh, kw = kernel.shape[:2]",
                "    x = np.pad(x, (padding[0], padding[1], (0, 0)))    # the zero padding",
                "    span = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)  # what a dilated kernel covers",
                "    windows = sliding_window_view(x, span, axis=(0, 1))  # every window: rows x cols x C x span",
                "    windows = windows[::stride[0], ::stride[1], :, ::dilation[0], ::dilation[1]]",
                "    out = np.einsum(\"ijcyx,yxcf->ijf\", windows, kernel, optimize=True)  # products, summed",
                "    if bias is not None:",
                "        out = out + bias                               # one bias per filter",
                "    return out[:, :, 0] if one_map else out",
            ]
        case .depthwiseConv2d:
            return [
                "def depthwise_conv2d(x, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), bias=None):",
                "    \"\"\"Keras' DepthwiseConv2D: channel c alone with kernel[:, :, c, m] gives output channel c*M + m.",
                "",
                "    x is H x W x C; kernel is kh x kw x C x M (M = depth multiplier).",
                "    \"\"\"",
                "    if x.ndim == 2:",
                "        x = x[:, :, np.newaxis]",
                "    if kernel.ndim == 3:",
                "        kernel = kernel[:, :, :, np.newaxis]",
                "    kh, kw = kernel.shape[:2]",
                "    x = np.pad(x, (padding[0], padding[1], (0, 0)))",
                "    span = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)",
                "    windows = sliding_window_view(x, span, axis=(0, 1))",
                "    windows = windows[::stride[0], ::stride[1], :, ::dilation[0], ::dilation[1]]",
                "    out = np.einsum(\"ijcyx,yxcm->ijcm\", windows, kernel, optimize=True)  # no sum over channels",
                "    out = out.reshape(out.shape[0], out.shape[1], -1)  # channel c*M + m",
                "    if bias is not None:",
                "        out = out + bias",
                "    return out",
            ]
        case .conv2dTranspose:
            return [
                "def conv2d_transpose(x, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), bias=None):",
                "    \"\"\"Keras' Conv2DTranspose as a convolution (Dumoulin & Visin): stride - 1 zeros between the",
                "    input's cells, zero padding around them, then conv2d with the kernel flipped and Out/In swapped.",
                "",
                "    x is H x W x In; kernel is kh x kw x Out x In (Keras' layout); padding is the zeros around the",
                "    zero-inserted input, ((top, bottom), (left, right)).",
                "    \"\"\"",
                "    one_map = x.ndim == 2 and kernel.ndim == 2",
                "    if x.ndim == 2:",
                "        x = x[:, :, np.newaxis]",
                "    if kernel.ndim == 2:",
                "        kernel = kernel[:, :, np.newaxis, np.newaxis]",
                "    h, w, c = x.shape",
                "    z = np.zeros(((h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1, c))",
                "    z[::stride[0], ::stride[1]] = x                      # stride - 1 zeros between cells",
                "    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)   # turned 180 degrees, kh x kw x In x Out",
                "    out = conv2d(z, flipped, padding=padding, bias=bias)",
                "    return out[:, :, 0] if one_map else out",
            ]
        case .maxpool2d:
            return [
                "def maxpool2d(x, size, stride, padding=((0, 0), (0, 0)), pad_value=-np.inf):",
                "    \"\"\"The largest value of each window, for an H x W map or each channel of H x W x C.",
                "",
                "    Padding cells hold pad_value: -inf for TensorFlow's same (they never win), 0 for padding=fit.",
                "    \"\"\"",
                "    if x.ndim == 2:",
                "        return maxpool2d(x[:, :, np.newaxis], size, stride, padding, pad_value)[:, :, 0]",
                "    x = np.pad(x, (padding[0], padding[1], (0, 0)), constant_values=pad_value)",
                "    windows = sliding_window_view(x, size, axis=(0, 1))[::stride[0], ::stride[1]]",
                "    return windows.max(axis=(3, 4))",
            ]
        case .avgpool2d:
            return [
                "def avgpool2d(x, size, stride, padding=((0, 0), (0, 0)), padding_counts=True):",
                "    \"\"\"The average of each window, for an H x W map or each channel of H x W x C.",
                "",
                "    With padding_counts the zeros of the padding take part (padding=fit); without, each window",
                "    divides by its real cells only (TensorFlow's same).",
                "    \"\"\"",
                "    if x.ndim == 2:",
                "        return avgpool2d(x[:, :, np.newaxis], size, stride, padding, padding_counts)[:, :, 0]",
                "    padded = np.pad(x, (padding[0], padding[1], (0, 0)))",
                "    sums = sliding_window_view(padded, size, axis=(0, 1))[::stride[0], ::stride[1]].sum(axis=(3, 4))",
                "    if padding_counts:",
                "        return sums / (size[0] * size[1])",
                "    real = np.pad(np.ones(x.shape[:2]), padding)      # 1 for a real cell, 0 for padding",
                "    counts = sliding_window_view(real, size)[::stride[0], ::stride[1]].sum(axis=(2, 3))",
                "    return sums / counts[:, :, np.newaxis]",
            ]
        case .sigmoid:
            return [
                "def sigmoid(x):",
                "    \"\"\"1 / (1 + e^-x), written so that e^ never overflows (as cnnrepl computes it).\"\"\"",
                "    e = np.exp(-np.abs(x))",
                "    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
            ]
        case .softmax:
            return [
                "def softmax(x):",
                "    \"\"\"e^x / sum(e^x) along the last axis, the largest value subtracted first.\"\"\"",
                "    e = np.exp(x - x.max(axis=-1, keepdims=True))",
                "    return e / e.sum(axis=-1, keepdims=True)",
            ]
        case .setCells:
            return [
                "def set_cells(x, index, value):",
                "    \"\"\"A copy of x with the cells at index set to value (cnnrepl's x[index] = value; x is kept).\"\"\"",
                "    out = np.array(x, dtype=float)",
                "    out[index] = value",
                "    return out",
            ]
        }
    }
}
