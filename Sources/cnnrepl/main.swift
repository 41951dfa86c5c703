// cnnrepl: the executable (placeholder until the REPL lands).
import CNNSession
print("cnnrepl: not yet written")
