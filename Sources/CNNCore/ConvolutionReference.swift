// ConvolutionReference: convolution as plain nested loops, written to be read.
//
// For every output cell (oy, ox) and filter f, the window's top-left input cell is
//     iy0 = oy * strideRows - padTop,   ix0 = ox * strideCols - padLeft
// and the kernel tap (ky, kx) reads input cell (iy0 + ky * dilationRows, ix0 + kx * dilationCols).
// Taps that land in the zero padding (outside the input) add nothing and are skipped. The sum runs
// over ky, then kx, then channel c, each product joining the sum in a fused multiply-add (one rounding,
// `addProduct`), and the bias is added last: the same order the cell trace shows,
// so a trace's sum equals this function's output exactly. This is the oracle the fast path is tested against.

extension Convolution {
    /// Convolves with straightforward loops (slow, but each step is the textbook formula).
    /// - Parameters:
    ///   - input: H x W or H x W x C.
    ///   - kernel: kh x kw, kh x kw x C or kh x kw x C x F.
    ///   - bias: nil, or one value per filter.
    /// - Returns: H' x W' for a 2-D kernel on a 2-D input, else H' x W' x F.
    /// - Throws: `CoreError` when the shapes do not fit (see `plan(inputShape:kernelShape:biasShape:)`).
    public func applyReference(_ input: Tensor, kernel: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let plan = try plan(inputShape: input.shape, kernelShape: kernel.shape, biasShape: bias?.shape)
        let x = input.scalars
        let w = kernel.scalars
        let b = bias?.scalars
        let height = plan.inputHeight, width = plan.inputWidth, channels = plan.inputChannels
        let kernelHeight = plan.kernel.rows, kernelWidth = plan.kernel.cols
        let filters = plan.filters
        let outputHeight = plan.outputHeight.value, outputWidth = plan.outputWidth.value

        var output = Array(repeating: 0.0, count: plan.outputCount)
        for oy in 0..<outputHeight {
            try Interruption.check("conv")
            for ox in 0..<outputWidth {
                for f in 0..<filters {
                    var sum = 0.0
                    for ky in 0..<kernelHeight {
                        let iy = oy * stride.rows + ky * dilation.rows - plan.paddingAmounts.top
                        if iy < 0 || iy >= height { continue }  // a padding row: zeros add nothing
                        for kx in 0..<kernelWidth {
                            let ix = ox * stride.cols + kx * dilation.cols - plan.paddingAmounts.left
                            if ix < 0 || ix >= width { continue }  // a padding column
                            for c in 0..<channels {
                                let inputValue = x[(iy * width + ix) * channels + c]
                                let weight = w[((ky * kernelWidth + kx) * channels + c) * filters + f]
                                sum.addProduct(inputValue, weight)
                            }
                        }
                    }
                    if let b { sum += b[f] }
                    output[(oy * outputWidth + ox) * filters + f] = sum
                }
            }
        }
        return Tensor(unchecked: plan.outputShape, scalars: output)
    }
}
