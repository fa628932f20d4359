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

    public init(code: String, name: String, town: String, county: String, households: Int, population: Int,
                designatedPoor: Bool, exitYear: Int?) {
        self.code = code
        self.name = name
        self.town = town
        self.county = county
        self.households = households
        self.population = population
        self.designatedPoor = designatedPoor
        self.exitYear = exitYear
    }
}
