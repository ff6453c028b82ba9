import Foundation
import HTTP
import Intake
import Rules
import Testing

@Suite struct SignatureVerifierTests {
    @Test(arguments: PresetVector.all)
    func validSignaturePasses(_ vector: PresetVector) {
        let verifier = SignatureVerifier(vector.settings)
        #expect(verifier.isEnabled)
        #expect(verifier.verify(vector.request(), now: Vectors.now) == .valid(eventID: vector.eventID))
    }

    @Test(arguments: PresetVector.all)
    func changedBodyFails(_ vector: PresetVector) {
        let verifier = SignatureVerifier(vector.settings)
        #expect(verifier.verify(vector.tampered, now: Vectors.now) == .invalid(.noSignatureMatches))
    }

    @Test(arguments: PresetVector.all)
    func wrongSecretFails(_ vector: PresetVector) {
        var settings = vector.settings
        settings.secrets = [Secret(vector.preset == .standardWebhooks ? "whsec_b3RoZXJfc2VjcmV0" : "other_secret")]
        #expect(SignatureVerifier(settings).verify(vector.request(), now: Vectors.now) == .invalid(.noSignatureMatches))
    }

    @Test(arguments: PresetVector.all)
    func missingSignatureFails(_ vector: PresetVector) {
        #expect(
            SignatureVerifier(vector.settings).verify(vector.unsigned, now: Vectors.now) == .invalid(vector.missing))
    }

    @Test(arguments: PresetVector.all)
    func rotationAcceptsTheOldAndTheNewSecret(_ vector: PresetVector) {
        let other = vector.preset == .standardWebhooks ? "whsec_b3RoZXJfc2VjcmV0" : "other_secret"
        for secrets in [[other, vector.secret], [vector.secret, other]] {
            var settings = vector.settings
            settings.secrets = secrets.map(Secret.init)
            #expect(SignatureVerifier(settings).verify(vector.request(), now: Vectors.now).isValid)
        }
    }

    @Test(arguments: PresetVector.all.filter(\.isTimestamped))
    func timestampOutsideToleranceFails(_ vector: PresetVector) {
        let verifier = SignatureVerifier(vector.settings)
        let late = Date(timeIntervalSince1970: TimeInterval(Vectors.timestamp + 301))
        #expect(
            verifier.verify(vector.request(), now: late)
                == .invalid(.timestampOutsideTolerance(age: 301, tolerance: 300)))
        let early = Date(timeIntervalSince1970: TimeInterval(Vectors.timestamp - 301))
        #expect(
            verifier.verify(vector.request(), now: early)
                == .invalid(.timestampOutsideTolerance(age: -301, tolerance: 300)))
        let edge = Date(timeIntervalSince1970: TimeInterval(Vectors.timestamp + 300))
        #expect(verifier.verify(vector.request(), now: edge).isValid)
        var wide = vector.settings
        wide.tolerance = .seconds(3_600)
        #expect(SignatureVerifier(wide).verify(vector.request(), now: late).isValid)
    }

    @Test func schemesWithoutTimestampIgnoreTheClock() {
        let vector = PresetVector.all.first { $0.preset == .github }!
        let muchLater = Date(timeIntervalSince1970: TimeInterval(Vectors.timestamp + 86_400 * 365))
        #expect(SignatureVerifier(vector.settings).verify(vector.request(), now: muchLater).isValid)
    }

    @Test(arguments: PresetVector.all)
    func noSecretDisablesTheVerifier(_ vector: PresetVector) {
        var settings = vector.settings
        settings.secrets = []
        let verifier = SignatureVerifier(settings)
        #expect(!verifier.isEnabled)
        #expect(verifier.verify(vector.request(), now: Vectors.now) == .invalid(.noSecretConfigured))
    }

    @Test func reasonsNeverQuoteSecretsOrSignatures() {
        for vector in PresetVector.all {
            var settings = vector.settings
            settings.secrets = [Secret("other_secret")]
            for request in [vector.request(), vector.tampered, vector.unsigned] {
                guard case .invalid(let failure) = SignatureVerifier(settings).verify(request, now: Vectors.now)
                else { continue }
                for secret in [
                    "other_secret", vector.secret, Vectors.hexOfBody, Vectors.base64OfBody, Vectors.stripeSignature,
                ] {
                    #expect(!failure.description.contains(secret))
                }
            }
        }
    }
}
