import CZlib

/// The zlib calls of this module; the only place that holds zlib's stream pointers.
enum Zlib {
    /// The container around deflate data, as zlib's `windowBits` select it.
    enum Format {
        /// RFC 1952 gzip; concatenated members are decoded one after another.
        case gzip
        /// RFC 1950 zlib.
        case zlib
        /// RFC 1951 deflate data with no container.
        case raw

        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlib: 15
            case .raw: -15
            }
        }
    }

    /// Why inflating failed.
    enum InflateError: Error {
        /// The data is not valid in this format; zlib's message says where it broke.
        case corrupt(String)
        /// The data ended before the end of the compressed stream.
        case truncated
        /// The output would be larger than the limit.
        case tooLarge
    }

    /// Input and output are handed to zlib in pieces of at most this many bytes.
    private static let pieceSize = 64 * 1024

    /// Inflates `input`, stopping as soon as the output would exceed `maxOutput` bytes: memory use stays about
    /// `maxOutput` whatever the compression ratio.
    static func inflate(_ input: [UInt8], format: Format, maxOutput: Int) -> Result<[UInt8], InflateError> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initStatus = dealhook_inflateInit2(stream, format.windowBits)
        precondition(initStatus == Z_OK, "inflateInit2 failed: \(initStatus)")
        defer { inflateEnd(stream) }
        let piece = UnsafeMutablePointer<UInt8>.allocate(capacity: pieceSize)
        defer { piece.deallocate() }

        var output: [UInt8] = []
        return input.withUnsafeBytes { raw in
            var fed = 0
            while true {
                if stream.pointee.avail_in == 0, fed < raw.count {
                    let count = min(raw.count - fed, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: raw.baseAddress!.advanced(by: fed).assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = uInt(count)
                    fed += count
                }
                stream.pointee.next_out = piece
                stream.pointee.avail_out = uInt(pieceSize)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                let produced = pieceSize - Int(stream.pointee.avail_out)
                if produced > 0 {
                    guard output.count + produced <= maxOutput else { return .failure(.tooLarge) }
                    if output.capacity < output.count + produced {
                        output.reserveCapacity(min(max(output.count * 2, output.count + produced), maxOutput))
                    }
                    output.append(contentsOf: UnsafeBufferPointer(start: piece, count: produced))
                }
                let inputLeft = stream.pointee.avail_in > 0 || fed < raw.count
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END where inputLeft && format == .gzip:
                    inflateReset(stream)
                case Z_STREAM_END where inputLeft:
                    return .failure(.corrupt("data after the end of the compressed stream"))
                case Z_STREAM_END:
                    return .success(output)
                case Z_BUF_ERROR where !inputLeft:
                    return .failure(.truncated)
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(.corrupt(message))
                }
            }
        }
    }

    /// Compresses `input` (under 4 GiB) at zlib's default level.
    static func deflate(_ input: [UInt8], format: Format) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initStatus = dealhook_deflateInit2(stream, Z_DEFAULT_COMPRESSION, format.windowBits)
        precondition(initStatus == Z_OK, "deflateInit2 failed: \(initStatus)")
        defer { deflateEnd(stream) }
        // deflateBound covers the whole output when all input is compressed in one pass with Z_FINISH.
        let capacity = Int(deflateBound(stream, uLong(input.count)))
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            input.withUnsafeBytes { raw in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(raw.count)
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(capacity)
                let status = CZlib.deflate(stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish: \(status)")
                initializedCount = capacity - Int(stream.pointee.avail_out)
            }
        }
    }
}
