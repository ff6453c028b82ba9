import JSON

/// The state of the simulated Teamopipe workspace: the seeded catalog and the objects made through the API.
///
/// A value type: the sandbox keeps one behind a lock, and the data file writer takes copies of it.
struct Workspace: Sendable {
    let catalog: Catalog
    var deals = ObjectTable(prefix: "deal")
    var contacts = ObjectTable(prefix: "contact", keyField: "email")
    var organizations = ObjectTable(prefix: "org")
    var tasks = ObjectTable(prefix: "task")
    var activities = ObjectTable(prefix: "activity")
    /// The wall clock (seconds since the epoch), replaceable so that tests may pin it.
    var clock: @Sendable () -> Int = Timestamp.now
    /// Objects of all kinds together may not exceed this (`SandboxConfiguration.maxObjects`).
    var maxObjects: Int

    init(catalog: Catalog = .seeded, maxObjects: Int) {
        self.catalog = catalog
        self.maxObjects = maxObjects
    }

    var objectCount: Int { deals.count + contacts.count + organizations.count + tasks.count + activities.count }

    /// The counts `GET /_sandbox/stats` reports.
    var objectCounts: JSONValue {
        [
            "deals": .number(Double(deals.count)), "contacts": .number(Double(contacts.count)),
            "organizations": .number(Double(organizations.count)), "tasks": .number(Double(tasks.count)),
            "activities": .number(Double(activities.count)),
        ]
    }

    /// Refuses to make `count` more objects past `maxObjects`.
    func checkRoom(for count: Int) throws(APIError) {
        guard objectCount + count <= maxObjects else {
            throw APIError(
                status: .forbidden, code: "limit_reached",
                message: "the workspace holds \(objectCount) objects, and its limit is \(maxObjects)")
        }
    }

    var nowText: String { Timestamp.format(clock()) }

    /// The objects as stored in the data file (the catalog is not stored: it always comes from the code).
    var snapshot: JSONValue {
        [
            "deals": deals.snapshot, "contacts": contacts.snapshot, "organizations": organizations.snapshot,
            "tasks": tasks.snapshot, "activities": activities.snapshot,
        ]
    }

    /// Restores the objects of a `snapshot`.
    mutating func restore(_ snapshot: JSONValue) throws(SandboxError) {
        func table(_ name: String, _ prefix: String, keyField: String? = nil) throws(SandboxError) -> ObjectTable {
            guard let stored = snapshot[name] else { throw SandboxError("the data lacks the \(name) table") }
            return try ObjectTable(prefix: prefix, keyField: keyField, snapshot: stored)
        }
        deals = try table("deals", "deal")
        contacts = try table("contacts", "contact", keyField: "email")
        organizations = try table("organizations", "org")
        tasks = try table("tasks", "task")
        activities = try table("activities", "activity")
    }
}
