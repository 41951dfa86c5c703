import Testing
@testable import CNNScript
