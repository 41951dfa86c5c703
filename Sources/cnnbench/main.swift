// cnnbench: timing of the numeric core's hot operations (placeholder until the benchmark lands).
import CNNCore
print("cnnbench: not yet written")
