import Glibc
import Testing

@testable import Rules

@Suite struct ProcessEnvironmentTests {
    @Test func readsTheProcessEnvironment() {
        let environment = ProcessEnvironment.current()
        let path = getenv("PATH").map { String(cString: $0) }
        #expect(environment["PATH"] == path)
        #expect(!environment.isEmpty)
    }
}
