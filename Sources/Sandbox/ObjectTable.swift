import JSON

/// The objects of one kind in creation order, found by id; ids are `<prefix>_<n>`, never reused. With a
/// `keyField`, also found by that field's lowercased text (contacts by e-mail), in constant time.
struct ObjectTable: Sendable {
    typealias Record = [String: JSONValue]

    let prefix: String
    let keyField: String?
    private(set) var records: [Record] = []
    private var positions: [String: Int] = [:]
    /// The first record's position for each lowercased `keyField` value.
    private var keyPositions: [String: Int] = [:]
    private(set) var lastNumber = 0

    init(prefix: String, keyField: String? = nil) {
        self.prefix = prefix
        self.keyField = keyField
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
        if let key = key(of: record), keyPositions[key] == nil { keyPositions[key] = records.count - 1 }
    }

    subscript(id: String) -> Record? {
        get { positions[id].map { records[$0] } }
        set {
            guard let position = positions[id], let newValue else { return }
            let (old, new) = (key(of: records[position]), key(of: newValue))
            records[position] = newValue
            guard old != new else { return }
            if let old, keyPositions[old] == position {
                // The next record with the old key, if any, is now the first.
                keyPositions[old] = records.indices.first { key(of: records[$0]) == old }
            }
            if let new, keyPositions[new].map({ $0 > position }) ?? true { keyPositions[new] = position }
        }
    }

    /// Every record with its position (the stable order cursors count in) for which `include` holds.
    func filtered(_ include: (Record) -> Bool) -> [(position: Int, record: Record)] {
        records.enumerated().compactMap { include($0.element) ? ($0.offset, $0.element) : nil }
    }

    /// The first record whose `keyField`, lowercased, is `key` (lowercased).
    func first(withKey key: String) -> Record? {
        keyPositions[key.lowercased()].map { records[$0] }
    }

    private func key(of record: Record) -> String? {
        keyField.flatMap { record[$0]?.stringValue?.lowercased() }
    }

    /// The table as stored in the data file.
    var snapshot: JSONValue {
        ["last_number": .number(Double(lastNumber)), "records": .array(records.map(JSONValue.object))]
    }

    /// Restores a table from its `snapshot`.
    init(prefix: String, keyField: String? = nil, snapshot: JSONValue) throws(SandboxError) {
        self.init(prefix: prefix, keyField: keyField)
        guard let last = snapshot["last_number"]?.intValue, let stored = snapshot["records"]?.arrayValue else {
            throw SandboxError("the \(prefix) table lacks last_number or records")
        }
        for record in stored {
            guard let fields = record.objectValue, let id = fields["id"]?.stringValue, positions[id] == nil else {
                throw SandboxError("a \(prefix) record without a unique id")
            }
            insert(fields.dictionary)
        }
        lastNumber = last
    }
}
