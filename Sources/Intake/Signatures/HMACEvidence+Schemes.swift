import HTTP

extension HMACEvidence {
    /// Stripe's shape, shared by Calendly and Paddle: `t=<unix>,v1=<hex>[,v1=<hex>…]` (Paddle: `ts=…;h1=…`).
    /// Other keys (Stripe's test-mode `v0`) are ignored; the signed bytes are `t` + `joiner` + body.
    static func timestamped(
        _ request: SignedRequest, header: String, separator: Unicode.Scalar,
        keys: (timestamp: String, signature: String), joiner: String
    ) -> Result<HMACEvidence, SignatureFailure> {
        guard let value = request.headers[header] else { return .failure(.missingHeader(header)) }
        // The header is ASCII by every provider's spec: read as bytes in place. Searched through the `utf8` view's
        // generic algorithms, it cost more than all the rest of the scheme but the HMAC.
        var timestampText: String?
        var signatures: [[UInt8]] = []
        var sawSignature = false
        let separatorByte = UInt8(ascii: separator)
        let scan = { (bytes: UnsafeBufferPointer<UInt8>) in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != separatorByte { end += 1 }
                defer { start = end + 1 }
                var itemStart = start
                while itemStart < end && bytes[itemStart] == UInt8(ascii: " ") { itemStart += 1 }
                guard let equals = bytes[itemStart..<end].firstIndex(of: UInt8(ascii: "=")) else { continue }
                let key = UnsafeBufferPointer(rebasing: bytes[itemStart..<equals])
                let text = UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<end])
                if key.elementsEqual(keys.timestamp.utf8) {
                    timestampText = String(decoding: text, as: UTF8.self)
                } else if key.elementsEqual(keys.signature.utf8) {
                    sawSignature = true
                    if let signature = Hex.decode(utf8: text) { signatures.append(signature) }
                }
            }
        }
        var headerText = value
        headerText.withUTF8(scan)
        guard let timestampText, let timestamp = Int(timestampText) else {
            return .failure(.malformedHeader(header, "no \(keys.timestamp)= Unix time"))
        }
        guard !signatures.isEmpty else {
            let problem =
                sawSignature ? "the \(keys.signature)= signature is not hex" : "no \(keys.signature)= signature"
            return .failure(.malformedHeader(header, problem))
        }
        // The signed bytes made once at their size, not joined as text and then copied with the body.
        var message: [UInt8] = []
        message.reserveCapacity(timestampText.utf8.count + joiner.utf8.count + request.body.count)
        message += timestampText.utf8
        message += joiner.utf8
        message += request.body
        return .success(
            HMACEvidence(hashFunction: .sha256, signatures: signatures, message: message, timestamp: timestamp))
    }

    /// Standard Webhooks (and Svix, whose headers are `svix-*` unless white-labelled): `webhook-signature` holds
    /// space-separated `v1,<base64>` entries over `{webhook-id}.{webhook-timestamp}.{body}`; other versions
    /// (`v1a`, ed25519) are skipped.
    static func standardWebhooks(_ request: SignedRequest) -> Result<HMACEvidence, SignatureFailure> {
        let headers = request.headers
        let prefix =
            !headers.contains(name: "webhook-signature") && headers.contains(name: "svix-signature")
            ? "svix-" : "webhook-"
        let names = (id: prefix + "id", timestamp: prefix + "timestamp", signature: prefix + "signature")
        guard let signatureList = headers[names.signature] else { return .failure(.missingHeader(names.signature)) }
        guard let id = headers[names.id] else { return .failure(.missingHeader(names.id)) }
        guard let timestampText = headers[names.timestamp] else { return .failure(.missingHeader(names.timestamp)) }
        guard let timestamp = Int(timestampText) else {
            return .failure(.malformedHeader(names.timestamp, "not a Unix time in seconds"))
        }
        var signatures: [[UInt8]] = []
        for entry in signatureList.split(separator: " ") {
            guard entry.hasPrefix("v1,"), let signature = Base64.decode(entry.dropFirst(3)) else { continue }
            signatures.append(signature)
        }
        guard !signatures.isEmpty else { return .failure(.malformedHeader(names.signature, "no v1 signature")) }
        return .success(
            HMACEvidence(
                hashFunction: .sha256, signatures: signatures,
                message: Array("\(id).\(timestampText).".utf8) + request.body, timestamp: timestamp, eventID: id))
    }

    /// DocuSign Connect sends one `X-DocuSign-Signature-N` header per active HMAC key, each base64.
    static func docuSignSignatures(_ headers: HTTPHeaders) -> Result<[[UInt8]], SignatureFailure> {
        let prefix = "x-docusign-signature-"
        var signatures: [[UInt8]] = []
        var present = false
        for field in headers {
            let name = field.name.lowercased()
            guard name.hasPrefix(prefix), let number = Int(name.dropFirst(prefix.count)), number > 0 else { continue }
            present = true
            if let signature = Base64.decode(field.value) { signatures.append(signature) }
        }
        guard present else { return .failure(.missingHeader("X-DocuSign-Signature-1")) }
        guard !signatures.isEmpty else { return .failure(.malformedHeader("X-DocuSign-Signature-1", "not base64")) }
        return .success(signatures)
    }
}
