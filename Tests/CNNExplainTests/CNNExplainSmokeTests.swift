import Testing
@testable import CNNExplain
