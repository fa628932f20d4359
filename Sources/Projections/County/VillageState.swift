/// A village as the projection keeps it.
public struct VillageState: Sendable, Equatable {
    public var code: String
    public var name: String
    public var town: String
    public var county: String
    /// Rural households and population: the latest PopulationReported, else the registration.
    public var households: Int
    public var population: Int
    public var designatedPoor: Bool
    public var exitYear: Int?
}
