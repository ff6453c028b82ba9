/// How many minor units make a major one, per ISO 4217 currency, for `cents_to_units`.
enum TemplateCurrency {
    /// Currencies without minor units (Stripe's list): an amount of 500 JPY is sent as 500.
    static let zeroDecimal: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
        "XPF",
    ]
    /// Currencies with three decimals.
    static let threeDecimal: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    /// Whether `text` looks like a currency code: three ASCII letters, any case.
    static func isCode(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { (0x41...0x5A).contains($0 & ~0x20) }
    }

    /// The number of decimals of `code` (any case); 2 for any currency not listed.
    static func decimals(of code: String) -> Int {
        let code = code.uppercased()
        if zeroDecimal.contains(code) { return 0 }
        if threeDecimal.contains(code) { return 3 }
        return 2
    }
}
