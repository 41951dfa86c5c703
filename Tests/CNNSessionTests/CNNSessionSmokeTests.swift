import Testing
@testable import CNNSession
