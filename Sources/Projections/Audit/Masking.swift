/// Hides personal data (names, id numbers of people) from viewers not entitled to it.
public enum Masking {
    /// Masks every person's `name` and `id_number` in a canonical export line of an event
    /// that carries people (households' members, a member change, a cadre).
    public static func maskPersonalData(inExportLine line: String, type: String) -> String {
        guard [EventKind.householdIdentified, .memberChanged, .cadreRegistered, .correction].contains(EventKind(type: type)),
              case .object(let o) = (try? JSONParser.parse(line)) ?? .null else { return line }
        return JSONWriter.write(mask(.object(o)))
    }

    /// Masks `name` and `id_number` values anywhere inside a JSON value.
    public static func mask(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            return .object(JSONObject(o.members.map { m in
                switch (m.key, m.value) {
                case ("name", .string(let s)): return (m.key, .string(maskedName(s)))
                case ("id_number", .string(let s)): return (m.key, .string(IDNumber.mask(s)))
                default: return (m.key, mask(m.value))
                }
            }))
        case .array(let items): return .array(items.map(mask))
        default: return v
        }
    }
}
