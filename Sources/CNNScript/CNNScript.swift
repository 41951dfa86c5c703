// CNNScript: the cnn script language (placeholder until the front end lands).
import CNNCore
