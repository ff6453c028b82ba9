import JSON

/// The objects of one kind in creation order, found by id; ids are `<prefix>_<n>`, never reused.
struct ObjectTable: Sendable {
    typealias Record = [String: JSONValue]

    let prefix: String
    private(set) var records: [Record] = []
    private var positions: [String: Int] = [:]
    private(set) var lastNumber = 0

    init(prefix: String) {
        self.prefix = prefix
    }

    var count: Int { records.count }

    /// A fresh id.
    mutating func makeID() -> String {
        lastNumber += 1
        return "\(prefix)_\(lastNumber)"
    }

    /// Appends `record`, which carries its `id`.
    mutating func insert(_ record: Record) {
        guard let id = record["id"]?.stringValue else { preconditionFailure("a record without an id") }
        positions[id] = records.count
        records.append(record)
    }

    subscript(id: String) -> Record? {
        get { positions[id].map { records[$0] } }
        set {
            guard let position = positions[id], let newValue else { return }
            records[position] = newValue
        }
    }

    /// Every record with its position (the stable order cursors count in) for which `include` holds.
    func filtered(_ include: (Record) -> Bool) -> [(position: Int, record: Record)] {
        records.enumerated().compactMap { include($0.element) ? ($0.offset, $0.element) : nil }
    }

    /// The table as stored in the data file.
    var snapshot: JSONValue {
        ["last_number": .number(Double(lastNumber)), "records": .array(records.map(JSONValue.object))]
    }

    /// Restores a table from its `snapshot`.
    init(prefix: String, snapshot: JSONValue) throws(SandboxError) {
        self.init(prefix: prefix)
        guard let last = snapshot["last_number"]?.intValue, let stored = snapshot["records"]?.arrayValue else {
            throw SandboxError("the \(prefix) table lacks last_number or records")
        }
        for record in stored {
            guard let fields = record.objectValue, let id = fields["id"]?.stringValue, positions[id] == nil else {
                throw SandboxError("a \(prefix) record without a unique id")
            }
            insert(fields)
        }
        lastNumber = last
    }
}
