// Constructors: the ways to make a tensor from nothing, named as NumPy names them.
//
// zeros, ones, full, eye and range (NumPy's arange) make fixed tensors; rand, randint and randn draw
// their elements, in row-major order, from a RandomGenerator, so a seed always gives the same tensor.
// Every constructor checks its size with Limits.elementCount before it allocates anything.

extension Tensor {
    // MARK: - Fixed values

    /// A tensor of the given shape filled with 0.
    public static func zeros(_ shape: [Int]) throws -> Tensor {
        try full(shape, value: 0, operation: "zeros")
    }

    /// A tensor of the given shape filled with 1.
    public static func ones(_ shape: [Int]) throws -> Tensor {
        try full(shape, value: 1, operation: "ones")
    }

    /// A tensor of the given shape with every element equal to `value`.
    public static func full(_ shape: [Int], value: Double) throws -> Tensor {
        try full(shape, value: value, operation: "full")
    }

    /// `full`, with errors naming `operation`.
    private static func full(_ shape: [Int], value: Double, operation: String) throws -> Tensor {
        let count = try Limits.elementCount(of: shape, for: operation)
        return Tensor(unchecked: shape, scalars: Array(repeating: value, count: count))
    }

    /// The n x n identity matrix: 1 on the diagonal, 0 elsewhere.
    public static func eye(_ n: Int) throws -> Tensor {
        try eye(n, n)
    }

    /// A rows x cols matrix with 1 on the main diagonal (where row == column) and 0 elsewhere.
    public static func eye(_ rows: Int, _ cols: Int) throws -> Tensor {
        let count = try Limits.elementCount(of: [rows, cols], for: "eye")
        var scalars = Array(repeating: 0.0, count: count)
        for i in 0..<min(rows, cols) { scalars[i * cols + i] = 1 }
        return Tensor(unchecked: [rows, cols], scalars: scalars)
    }

    // MARK: - Evenly spaced values

    /// The values 0, 1, 2, ... below `stop`, like numpy.arange(stop).
    public static func range(_ stop: Double) throws -> Tensor {
        try range(0, stop, 1)
    }

    /// Evenly spaced values from `start` up to but not including `stop`, like numpy.arange.
    ///
    /// The count is ceil((stop - start) / step), except that a quotient within a billionth of a whole
    /// number counts as that number: rounding in the division must not add a value at `stop`, so
    /// range(1, 1.3, 0.1) is [1, 1.1, 1.2] (NumPy gives a surprising fourth value, 1.3). The values are
    /// computed as NumPy does: start, start + step, then start + i * delta with
    /// delta = (start + step) - start.
    /// Throws when the step is 0, an argument is not finite, there are no values, or too many.
    public static func range(_ start: Double, _ stop: Double, _ step: Double = 1) throws -> Tensor {
        let what = "range(\(Format.number(start)), \(Format.number(stop)), \(Format.number(step)))"
        guard start.isFinite, stop.isFinite, step.isFinite else {
            throw CoreError("\(what): start, stop and step must be finite numbers")
        }
        guard step != 0 else {
            throw CoreError("\(what): the step cannot be 0", hint: "use a positive step to count up, a negative one to count down")
        }
        let quotient = (stop - start) / step
        guard quotient.isFinite else {
            throw CoreError("\(what): would have more than \(Format.count(Limits.maxElements)) values",
                            hint: "a tensor holds at most 100,000,000 values; use a larger step")
        }
        let nearest = quotient.rounded()
        let countValue = abs(quotient - nearest) <= 1e-9 * max(1, abs(quotient)) ? nearest : quotient.rounded(.up)
        guard countValue >= 1 else {
            throw CoreError("\(what): there are no values from \(Format.number(start)) up to \(Format.number(stop)) in steps of \(Format.number(step))",
                            hint: step > 0 ? "stop must be larger than start; use a negative step to count down"
                                           : "with a negative step, stop must be smaller than start")
        }
        guard countValue <= Double(Limits.maxElements) else {
            throw CoreError("\(what): would have more than \(Format.count(Limits.maxElements)) values",
                            hint: "a tensor holds at most 100,000,000 values; use a larger step or a shorter range")
        }
        let count = Int(countValue)
        let delta = (start + step) - start
        let scalars = (0..<count).map { i in
            i == 0 ? start : i == 1 ? start + step : start + Double(i) * delta
        }
        return Tensor(unchecked: [count], scalars: scalars)
    }

    // MARK: - Random values

    /// A tensor of uniform random values in [0, 1), drawn in row-major order.
    public static func rand(_ shape: [Int], using generator: inout RandomGenerator) throws -> Tensor {
        let count = try Limits.elementCount(of: shape, for: "rand")
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append(generator.nextDouble()) }
        return Tensor(unchecked: shape, scalars: scalars)
    }

    /// A tensor of standard normal random values (mean 0, standard deviation 1), drawn in row-major order.
    public static func randn(_ shape: [Int], using generator: inout RandomGenerator) throws -> Tensor {
        let count = try Limits.elementCount(of: shape, for: "randn")
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append(generator.nextGaussian()) }
        return Tensor(unchecked: shape, scalars: scalars)
    }

    /// The largest magnitude `randint` accepts for its bounds: 2^53, beyond which a Double cannot
    /// hold every integer.
    public static let randintMaxMagnitude = 9_007_199_254_740_992

    /// A tensor of random whole numbers from `low` up to but not including `high`, like
    /// numpy.random.randint, each equally likely, drawn in row-major order.
    /// Throws when `high` <= `low` or a bound is beyond ±2^53.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int],
                               using generator: inout RandomGenerator) throws -> Tensor {
        let what = "randint(\(low), \(high))"
        guard high > low else {
            throw CoreError("\(what): high must be larger than low (the values are low up to but not including high)",
                            hint: "for values 0 to 9 use randint(0, 10)")
        }
        let limit = randintMaxMagnitude
        guard low >= -limit, low <= limit, high >= -limit, high <= limit else {
            throw CoreError("\(what): bounds must lie within ±\(Format.count(randintMaxMagnitude)) (2^53) so every value is exact")
        }
        let count = try Limits.elementCount(of: shape, for: "randint")
        let span = high - low  // at most 2^54: cannot overflow
        var scalars: [Double] = []
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append(Double(low + generator.nextInt(below: span))) }
        return Tensor(unchecked: shape, scalars: scalars)
    }
}
