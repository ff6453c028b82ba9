import HTTP
import Testing

@Suite struct CryptoTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func hmacMatchesPublishedVectors() {
        // GitHub's documented example.
        #expect(
            Hex.encode(
                HMAC.authenticationCode(
                    for: bytes("Hello, World!"), key: bytes("It's a Secret to Everybody"), using: .sha256))
                == "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        // RFC 2202 §3 and RFC 4231 §4.3, test case 2.
        let message = bytes("what do ya want for nothing?")
        #expect(
            Hex.encode(HMAC.authenticationCode(for: message, key: bytes("Jefe"), using: .sha1))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            Hex.encode(HMAC.authenticationCode(for: message, key: bytes("Jefe"), using: .sha256))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            Hex.encode(HMAC.authenticationCode(for: message, key: bytes("Jefe"), using: .sha512))
                == "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        )
        #expect(HMAC.authenticationCode(for: [], key: [], using: .sha256).count == 32)
    }

    /// A prepared key gives the one-shot codes, for every hash function, for keys shorter and longer than a
    /// block (the latter are hashed first), for the empty key and message, and when used from many threads.
    @Test func preparedKeysGiveTheOneShotCodes() async {
        let keys = [bytes("Jefe"), [], [UInt8](repeating: 0xAA, count: 131), bytes("whsec_bench_0123456789abcdef")]
        let messages = [bytes("what do ya want for nothing?"), [], [UInt8](repeating: 0x5C, count: 1_000)]
        for key in keys {
            let prepared = HMAC.Key(key)
            for message in messages {
                for function in HashFunction.allCases {
                    #expect(
                        prepared.authenticationCode(for: message, using: function)
                            == HMAC.authenticationCode(for: message, key: key, using: function))
                }
            }
        }
        let shared = HMAC.Key(bytes("Jefe"))
        let expected = HMAC.authenticationCode(for: messages[0], key: bytes("Jefe"), using: .sha256)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { _ in shared.authenticationCode(for: messages[0], using: .sha256) == expected }
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }

    @Test func sha256MatchesFIPSVectors() {
        #expect(
            Hex.encode(Digest.sha256(bytes("abc")))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// Every byte: exactly 0-9, a-f and A-F are digits, with their values.
    @Test func hexDigitValuesOfEveryByte() {
        let expected: [Character: UInt8] = Dictionary(
            "0123456789abcdef".enumerated().flatMap { value, digit in
                [(digit, UInt8(value)), (Character(digit.uppercased()), UInt8(value))]
            }, uniquingKeysWith: { first, _ in first })
        for byte in UInt8.min...UInt8.max {
            #expect(Hex.value(of: byte) == expected[Character(Unicode.Scalar(byte))], "byte \(byte)")
        }
    }

    @Test func hexRoundTripsAndRefusesWhatIsNotHex() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0x12") == nil)
        // Substrings, as a signature header's value is read: decoded in place.
        let header = "t=1,v1=00abFF,v1=1g"
        let values = header.split(separator: ",").map { $0.dropFirst(3) }
        #expect(Hex.decode(values[1]) == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode(values[2]) == nil)
        #expect(Hex.decode(values[1].dropLast()) == nil)
    }

    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func base64MatchesRFC4648(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func base64AcceptsMissingPaddingAndRefusesTheRest() {
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.decode("Zm9vYg") == Array("foob".utf8))
        #expect(Base64.decode("dGVzdF9zZWNyZXRfMTIz") == Array("test_secret_123".utf8))
        #expect(Base64.decode("Zm9v!") == nil)
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zh==") == nil)  // leftover bits must be zero
        #expect(Base64.decode("Zg=") == nil)  // padding that does not complete a group
        #expect(Base64.decode("Zg===") == nil)
        #expect(Base64.decode("Zm=9v") == nil)
        #expect(Base64.decode("Zm9v-_") == nil)  // the URL-safe alphabet is another encoding
    }

    @Test func constantTimeComparison() {
        let digest = HMAC.authenticationCode(for: bytes("body"), key: bytes("key"), using: .sha256)
        var lastByteDiffers = digest
        lastByteDiffers[31] ^= 1
        var firstByteDiffers = digest
        firstByteDiffers[0] ^= 0x80
        #expect(ConstantTime.equals(digest, digest))
        #expect(ConstantTime.equals(digest, Array(digest)))
        #expect(!ConstantTime.equals(digest, lastByteDiffers))
        #expect(!ConstantTime.equals(digest, firstByteDiffers))
        #expect(!ConstantTime.equals(digest, Array(digest.prefix(31))))
        #expect(!ConstantTime.equals(digest, digest + [0]))
        #expect(!ConstantTime.equals(digest, []))
        #expect(ConstantTime.equals([], []))
    }
}
