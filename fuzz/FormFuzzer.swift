import Intake
import JSON
import Rules

/// libFuzzer entry: the input is a form body. Its first byte picks the encoding — multipart (with a fixed
/// boundary), urlencoded, or JSON — and the rest is decoded with tight limits, the way a form route decodes a
/// post: bad UTF-8, broken multipart and oversized parts must be refused with an error, never a crash, a hang
/// or an allocation beyond the limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func formFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let contentType: String =
        switch data[0] % 3 {
        case 0: "multipart/form-data; boundary=fuzz"
        case 1: "application/x-www-form-urlencoded"
        default: "application/json"
        }
    var limits = FormSettings.Limits()
    limits.maxFields = 20
    limits.maxFieldSize = 256
    limits.maxBodySize = 4_096
    limits.files = data[0] & 4 == 0 ? .refuse : .drop
    do {
        let content = try RequestContent(bytes: bytes, contentType: contentType, kind: .form, limits: limits)
        guard case .object(let fields) = content.form else {
            fatalError("a decoded form is an object, got \(content.form.typeName)")
        }
        if fields.count > limits.maxFields { fatalError("\(fields.count) fields passed a limit of \(limits.maxFields)") }
    } catch {
        if error.message.isEmpty { fatalError("a refusal must say why") }
    }
    return 0
}
