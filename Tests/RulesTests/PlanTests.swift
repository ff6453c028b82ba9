import Foundation
import JSON
import Testing

@testable import Rules

@Suite struct PlanTests {
    static let plan = Plan(
        route: "website-contact", rules: ["new-lead"],
        steps: [
            PlanStep(id: "contact", rule: "new-lead", operation: .contactUpsert, input: .json(["email": "a@b.c"])),
            PlanStep(
                id: "deal", rule: "new-lead", operation: .dealCreate,
                input: .object([
                    "title": .json("Acme"), "contact": .reference(step: "contact", path: ["id"]),
                    "tags": .array([.json("web"), .reference(step: "contact", path: ["email"])]),
                ])),
        ], subject: "a@b.c")

    @Test func jsonFormKeepsReferences() {
        #expect(
            Self.plan.jsonText
                == #"{"route":"website-contact","rules":["new-lead"],"steps":[{"id":"contact","input":{"email":"a@b.c"},"op":"contact.upsert","rule":"new-lead"},{"id":"deal","input":{"contact":{"$step":"contact","path":["id"]},"tags":["web",{"$step":"contact","path":["email"]}],"title":"Acme"},"op":"deal.create","rule":"new-lead"}],"subject":"a@b.c"}"#
        )
    }

    /// `jsonBytes` is written straight from the plan; it must say exactly what its `JSONValue` form says.
    @Test func directBytesEqualTheJSONValueForm() {
        let awkward = Plan(
            route: "r\"oute", rules: [], steps: [
                PlanStep(
                    id: "z\u{1}", rule: "é", operation: .taskCreate,
                    input: .object([
                        "b": .array([.array([.reference(step: "s", path: [])]), .json(.null)]),
                        "a": .object(["y": .reference(step: "t", path: ["0", "k\n"]), "x": .json(1.5)]),
                        "Z": .json(["q": [true, false], "p": "tab\tquote\""]),
                    ])),
                PlanStep(id: "s", rule: "r", operation: .dealFind, input: .json([:])),
            ], subject: nil)
        for plan in [Self.plan, awkward] {
            #expect(plan.jsonBytes == plan.jsonValue.jsonBytes)
            #expect(plan.jsonText == plan.jsonValue.jsonText)
        }
    }

    @Test func roundTripsThroughJSONAndCodable() throws {
        #expect(try Plan(json: try JSONValue(parsing: Self.plan.jsonText)) == Self.plan)
        let data = try JSONEncoder().encode(Self.plan)
        #expect(try JSONDecoder().decode(Plan.self, from: data) == Self.plan)
    }

    @Test func referencesResolveAtRunTime() {
        let results: [String: JSONValue] = ["contact": ["id": "c_1", "email": "a@b.c"]]
        let input = Self.plan.steps[1].input.resolved { step, path in
            path.reduce(results[step] ?? .null) { $0[$1] ?? .null }
        }
        #expect(input == ["title": "Acme", "contact": "c_1", "tags": ["web", "a@b.c"]])
    }

    @Test func refusesMalformedPlans() {
        #expect(throws: PlanDecodingError.self) { try Plan(json: ["route": "r"]) }
        #expect(throws: PlanDecodingError.self) {
            try Plan(json: ["route": "r", "rules": [], "steps": [["id": "a", "rule": "r", "op": "deal.explode", "input": [:]]]])
        }
    }
}
