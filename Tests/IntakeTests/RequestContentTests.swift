import Intake
import JSON
import Rules
import Testing

@Suite struct RequestContentTests {
    @Test func urlencodedFormsDecodeWithRepeatsAsLists() throws {
        let form = try FormURLEncoded.decode(Array("name=Ana+Lima&email=ana%40example.com&tag=a&tag=b&tag=c&empty=&flag".utf8))
        #expect(form == ["name": "Ana Lima", "email": "ana@example.com", "tag": ["a", "b", "c"], "empty": "", "flag": ""])
    }

    /// Empty pairs, a bare `=`, `=` inside a value, raw and escaped UTF-8, and names that need decoding.
    @Test func urlencodedEdgeCases() throws {
        let form = try FormURLEncoded.decode(Array("&&a=1=2&=v&&na%6De=x+y&caf%C3%A9=th%C3%A9&raw=é&".utf8))
        #expect(form == ["a": "1=2", "": "v", "name": "x y", "café": "thé", "raw": "é"])
        #expect(try FormURLEncoded.decode([]) == [:])
        #expect(throws: RequestContent.DecodingError.self) { try FormURLEncoded.decode([0x61, 0x3D, 0xC3]) }
    }

    @Test func malformedPercentEscapesAndBadUTF8AreRefused() {
        #expect(throws: RequestContent.DecodingError.self) { try FormURLEncoded.decode(Array("a=%4".utf8)) }
        #expect(throws: RequestContent.DecodingError.self) { try FormURLEncoded.decode(Array("a=%zz".utf8)) }
        #expect(throws: RequestContent.DecodingError.self) { try FormURLEncoded.decode(Array("a=%FF".utf8)) }
    }

    @Test func jsonGoesToBodyAndToFormOnFormRoutes() throws {
        let bytes = Array(#"{"email":"a@b.c"}"#.utf8)
        let webhook = try RequestContent(bytes: bytes, contentType: "application/json; charset=utf-8", kind: .webhook)
        #expect(webhook.body == ["email": "a@b.c"])
        #expect(webhook.form == .null)
        let form = try RequestContent(bytes: bytes, contentType: nil, kind: .form)
        #expect(form.form == ["email": "a@b.c"])
    }

    @Test func formBodiesDecodeByMediaType() throws {
        let content = try RequestContent(
            bytes: Array("email=a%40b.c".utf8), contentType: "Application/X-WWW-Form-Urlencoded", kind: .form)
        #expect(content.form == ["email": "a@b.c"])
    }

    /// Type and parameter names are trimmed and lower-cased, byte by byte when they are ASCII (as they should be),
    /// by characters when they are not.
    @Test func mediaTypesAreReadWithoutSpacesOrCase() throws {
        let json = try RequestContent(
            bytes: Array(#"{"a":1}"#.utf8), contentType: " \tApplication/Problem+JSON \t; CharSet = utf-8",
            kind: .webhook)
        #expect(json.body == ["a": 1])
        let boundary = "X-Y"
        let multipart = "--X-Y\r\nContent-Disposition: form-data; NAME=\"a\"\r\n\r\n1\r\n--X-Y--\r\n"
        let form = try RequestContent(
            bytes: Array(multipart.utf8), contentType: "Multipart/Form-Data ;\t BOUNDARY=\(boundary)", kind: .form)
        #expect(form.form == ["a": "1"])
        do {
            _ = try RequestContent(bytes: [1], contentType: "Text/Plaín\t ; Q=1", kind: .form)
            Issue.record("text/plaín should be refused")
        } catch {
            #expect(error.message == "unsupported content type 'text/plaín'")
        }
    }

    @Test func unsupportedTypesAndBadJSONAreTold() {
        do {
            _ = try RequestContent(bytes: [1, 2], contentType: "image/png", kind: .form)
            Issue.record("image/png should be refused")
        } catch {
            #expect(error.unsupportedMediaType)
            #expect(error.message == "unsupported content type 'image/png'")
        }
        do {
            _ = try RequestContent(bytes: Array("{".utf8), contentType: "application/json", kind: .webhook)
            Issue.record("bad JSON should be refused")
        } catch {
            #expect(!error.unsupportedMediaType)
        }
    }
}
