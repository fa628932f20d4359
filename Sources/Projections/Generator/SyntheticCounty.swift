import EventStore
import SwiftProtobuf

/// A synthetic county with the shape of the real thing (`PERFORMANCE.md`, seed 003):
/// towns and villages with 12-digit codes, cadres, households with members and valid id
/// numbers, causes in seed 003's shares, yearly incomes around each year's line,
/// guarantees, helpers and quarterly visits, measures, money flowing county -> town ->
/// village -> household, exits mostly 2016-2020, and 错评, 错退, 漏评, 返贫 and monitoring
/// at seed 003's rates. Deterministic: the same parameters give the same events.
///
/// Every event it makes follows the status machine; `docs/generator.md` describes the
/// model.
public struct SyntheticCounty {
    public struct Parameters: Sendable {
        public var households: Int
        public var seed: UInt64
        public var years: ClosedRange<Int>
        /// The county's 6-digit code.
        public var county: String

        public init(households: Int, seed: UInt64 = 1, years: ClosedRange<Int> = 2014...2023, county: String = "530124") {
            self.households = households
            self.seed = seed
            self.years = years
            self.county = county
        }
    }

    /// One generated event.
    public struct Event: Sendable {
        public var stream: String
        public var event: ProposedEvent
    }

    /// Seed 003's cause shares: 因病 26.45%, 因学 2.55%, 缺技术 32.64%, 缺资金 2.3%,
    /// 缺劳动力 10.89%, 自身发展动力不足 15.72%, 因灾 0.36%, other (因残, 缺土地, 缺水,
    /// 交通条件落后) 9%.
    static let causeWeights: [(Fp_Cause, Double)] = [
        (.illness, 26.45), (.schooling, 2.55), (.lackOfSkills, 32.64), (.lackOfFunds, 2.3), (.lackOfLabor, 10.89),
        (.lackOfDrive, 15.72), (.disaster, 0.36), (.disability, 4), (.lackOfLand, 2.5), (.lackOfWater, 1.5), (.poorTransport, 1),
    ]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
    static let given = Array("国建华明德秀英玉兰志强军平海云芳红春林文永福金刚小梅丽桂珍家兴成贵富荣光")

    let p: Parameters
    var rng: SplitMix64

    public init(_ parameters: Parameters) {
        p = parameters
        rng = SplitMix64(seed: parameters.seed)
    }

    /// Generates the county year by year, calling `emit` with each year's events in
    /// effective-date order (a plausible recording order).
    ///
    /// - Complexity: O(households x years) time; memory of one year's events.
    public mutating func generate(_ emit: ([Event]) throws -> Void) throws {
        let villagesPerTown = 12
        let villageCount = max(1, p.households / 60)
        let towns = max(1, (villageCount + villagesPerTown - 1) / villagesPerTown)
        var villages: [String] = []
        for t in 0..<towns {
            for v in 0..<villagesPerTown where villages.count < villageCount {
                villages.append(p.county + String(format3(101 + t)) + String(format3(201 + v)))
            }
        }
        let cadres = max(1, p.households / 4)
        var population: [String: Int] = [:]
        var households = (0..<p.households).map { i in
            var h = PlannedHousehold(index: i, village: villages[i % villages.count])
            let n = i / villages.count + 1
            h.id = h.village + (n < 10 ? "000" : n < 100 ? "00" : n < 1000 ? "0" : "") + String(n)
            return h
        }
        for k in households.indices { plan(&households[k]) }

        for year in p.years {
            var out: [(EffectiveDate, Event)] = []
            let addEvent: (String, String, EffectiveDate, any SwiftProtobuf.Message, String) -> Void = { stream, type, day, m, actor in
                let payload: [UInt8] = (try? m.serializedBytes()) ?? []
                out.append((day, Event(stream: stream, event: ProposedEvent(type: type, effective: day, actor: actor, payload: payload))))
            }
            func add(_ stream: String, _ type: String, _ day: EffectiveDate, _ m: any SwiftProtobuf.Message) {
                addEvent(stream, type, day, m, "op-0001")
            }
            if year == p.years.lowerBound {
                for (k, v) in villages.enumerated() {
                    var m = Fp_VillageRegistered()
                    m.name = "第\(k + 1)村"
                    m.town = "第\(Int(v.dropFirst(6).prefix(3))! - 100)镇"
                    m.county = "样本县"
                    let pop = 1200 + rng.int(0...1600)
                    population[v] = pop
                    m.population = Int32(pop)
                    m.households = Int32(pop / 4)
                    add("village-" + v, "VillageRegistered", date(year, 1, 5), m)
                    if rng.chance(0.3) { add("village-" + v, "VillageDesignatedPoor", date(year, 3, 1), Fp_VillageDesignatedPoor()) }
                }
                for c in 0..<cadres {
                    var m = Fp_CadreRegistered()
                    m.name = name()
                    m.idNumber = idNumber(born: 1965 + rng.int(0...25))
                    m.unit = ["县农业局", "县教育局", "县卫健局", "乡镇政府", "县财政局"][c % 5]
                    m.level = c % 3 == 0 ? .township : .county
                    m.kind = .civilServant
                    add("cadre-c\(c)", "CadreRegistered", date(year, 2, 1 + c % 27), m)
                }
                var policy = Fp_PolicySet()
                policy.key = "publicity_days"
                policy.value = 10
                add("policy-county", "PolicySet", date(year, 1, 1), policy)
            }
            for v in villages where year > p.years.lowerBound {
                var m = Fp_PopulationReported()
                m.year = Int32(year - 1)
                population[v, default: 1500] += rng.int(-20...30)
                m.population = Int32(population[v] ?? 1500)
                m.households = m.population / 4
                add("village-" + v, "PopulationReported", date(year, 1, 15), m)
            }
            // Money: one fund a year, county -> towns -> villages, paid to households.
            let fund = "fund-\(year)-01"
            let payments = households.reduce(0) { $0 + ($1.paidIn(year) ? 1 : 0) }
            let perPayment: Int64 = 100_000
            let total = Int64(payments) * perPayment + 10_000_000
            var alloc = Fp_FundAllocated()
            alloc.document = "样财农〔\(year)〕1号"
            alloc.source = .central
            alloc.amountFen = total
            alloc.to = "county-" + p.county
            alloc.purpose = "产业帮扶"
            add(fund, "FundAllocated", date(year, 3, 1), alloc)
            var byVillage: [String: Int] = [:]
            for h in households where h.paidIn(year) { byVillage[h.village, default: 0] += 1 }
            var byTown: [String: Int64] = [:]
            for (v, n) in byVillage { byTown[String(v.prefix(9)), default: 0] += Int64(n) * perPayment }
            for (town, amount) in byTown.sorted(by: { $0.key < $1.key }) {
                var t = Fp_FundTransferred()
                t.from = "county-" + p.county
                t.to = "town-" + town
                t.amountFen = amount
                add(fund, "FundTransferred", date(year, 3, 15), t)
            }
            for (v, n) in byVillage.sorted(by: { $0.key < $1.key }) {
                var t = Fp_FundTransferred()
                t.from = "town-" + v.prefix(9)
                t.to = "village-" + v
                t.amountFen = Int64(n) * perPayment
                add(fund, "FundTransferred", date(year, 4, 1), t)
            }
            for k in households.indices { generateYear(&households[k], year, fund: fund, perPayment: perPayment, addEvent) }
            out.sort { $0.0 < $1.0 }
            try emit(out.map(\.1))
        }
    }

    /// Generates into a store, in appends of `batch` events.
    ///
    /// - Parameter progress: Called with the events written so far.
    /// - Returns: The number of events written.
    @discardableResult
    public mutating func write(into store: EventStore, batch: Int = 2000, progress: ((Int) -> Void)? = nil) throws -> Int {
        var written = 0
        try generate { events in
            var k = 0
            while k < events.count {
                let chunk = events[k..<min(events.count, k + batch)]
                _ = try store.append(chunk.map { StreamWrite(stream: $0.stream, events: [$0.event]) })
                k += chunk.count
                written += chunk.count
                progress?(written)
            }
        }
        return written
    }

    /// What will happen to a household, decided once up front.
    struct PlannedHousehold {
        var index: Int
        var village: String
        /// 户编号: the village code and a 4-digit number within the village.
        var id = ""
        var identifiedYear = 2014
        var omission = false
        var people = 3
        var cause: Fp_Cause = .illness
        var exitYear: Int?
        var returnYear: Int?
        var wrongfulExit = false
        var removedYear: Int?
        var monitoredYear: Int?
        var entitlementEndYear: Int?
        var members: [Fp_Person] = []
        var cadre = "c0"
        var status: HouseholdStatus?
        var paymentYears: Set<Int> = []

        func paidIn(_ year: Int) -> Bool { paymentYears.contains(year) }
    }

    mutating func plan(_ h: inout PlannedHousehold) {
        let first = p.years.lowerBound
        h.identifiedYear = rng.chance(0.9) ? first : first + rng.int(1...2)
        if rng.chance(0.02) { h.identifiedYear = first + 2 + rng.int(0...1); h.omission = true }
        h.people = [1, 2, 3, 3, 4, 4, 4, 5, 5, 6][rng.int(0...9)]
        h.cause = Self.causeWeights[rng.weighted(Self.causeWeights.map(\.1))].0
        h.cadre = "c\(h.index / 4)"
        if rng.chance(0.25) {
            h.removedYear = min(p.years.upperBound, h.identifiedYear + rng.int(1...3))
        } else if rng.chance(0.95) {
            let exit = [2016, 2017, 2017, 2018, 2018, 2019, 2019, 2020][rng.int(0...7)]
            h.exitYear = max(h.identifiedYear + 1, min(p.years.upperBound, exit))
            if rng.chance(0.06), let e = h.exitYear, e < p.years.upperBound {
                h.returnYear = e + 1
                h.wrongfulExit = rng.chance(0.7)
            }
            if rng.chance(0.5), let e = h.exitYear, e + 3 <= p.years.upperBound, h.returnYear == nil { h.entitlementEndYear = e + 3 }
        }
        if rng.chance(0.05), 2020 <= p.years.upperBound, h.removedYear == nil { h.monitoredYear = 2020 + rng.int(0...1) }
        for y in p.years where y >= h.identifiedYear && (h.removedYear.map { y <= $0 } ?? true) && rng.chance(0.8) {
            h.paymentYears.insert(y)
        }
        var members: [Fp_Person] = []
        let surname = Self.surnames[rng.int(0...(Self.surnames.count - 1))]
        for k in 0..<h.people {
            var m = Fp_Person()
            m.personID = "p\(h.index)-\(k)"
            m.name = String(surname) + givenName()
            let born = k == 0 ? 1950 + rng.int(0...30) : (k == 1 ? 1952 + rng.int(0...30) : 1985 + rng.int(0...25))
            m.idNumber = idNumber(born: born)
            m.birthDate = UInt32(born * 10000 + 101 + rng.int(0...10) * 100 + rng.int(0...27))
            m.relation = k == 0 ? "户主" : (k == 1 ? "配偶" : "子女")
            m.health = h.cause == .illness && k < 2 && rng.chance(0.6) ? .seriousIllness : (h.cause == .disability && k == 0 ? .disabled : .healthy)
            m.labor = m.health == .healthy ? .ordinary : .lost
            members.append(m)
        }
        h.members = members
    }

    mutating func generateYear(_ h: inout PlannedHousehold, _ year: Int, fund: String, perPayment: Int64,
                               _ add: (String, String, EffectiveDate, any SwiftProtobuf.Message, String) -> Void) {
        let stream = "household-" + h.id
        func put(_ type: String, _ day: EffectiveDate, _ m: any SwiftProtobuf.Message) { add(stream, type, day, m, "op-\(h.index % 50)") }
        guard year >= h.identifiedYear else { return }
        if year == h.identifiedYear {
            var m = Fp_HouseholdIdentified()
            m.village = h.village
            m.members = h.members
            m.attribute = rng.chance(0.7) ? .general : (rng.chance(0.7) ? .minimumLiving : .extremePovertySupport)
            m.standard = .national
            m.mainCause = h.cause
            if rng.chance(0.4) { m.otherCauses = [Self.causeWeights[rng.weighted(Self.causeWeights.map(\.1))].0].filter { $0 != h.cause } }
            m.perCapitaIncomeFen = Int64(rng.int(150_000...260_000))
            m.identifiedYear = Int32(year)
            var proc = Fp_IdentificationProcedure()
            proc.applied = raw(year, 8, 1 + rng.int(0...9))
            proc.appraised = raw(year, 8, 15 + rng.int(0...5))
            proc.villageNoticeFrom = raw(year, 8, 22)
            proc.villageNoticeTo = raw(year, 8, rng.chance(0.97) ? 31 : 27)
            proc.townNoticeFrom = raw(year, 9, 5)
            proc.townNoticeTo = raw(year, 9, 14)
            if rng.chance(0.98) { proc.countyApproved = raw(year, 10, 20) }
            m.procedure = proc
            m.omissionCorrection = h.omission
            put("HouseholdIdentified", date(year, 10, 20), m)
            h.status = .poor
            var helper = Fp_HelperAssigned()
            helper.cadre = h.cadre
            put("HelperAssigned", date(year, 11, 1), helper)
            for k in 0..<(2 + rng.int(0...2)) {
                var measure = Fp_MeasureApplied()
                let matching: Fp_Measure = [.illness: .health, .schooling: .education, .lackOfSkills: .employment,
                                            .lackOfFunds: .finance, .lackOfLabor: .publicWelfareJob][h.cause] ?? .industry
                measure.category = k == 0 && rng.chance(0.9) ? matching : [.industry, .employment, .housing, .drinkingWater][rng.int(0...3)]
                measure.addresses = k == 0 ? h.cause : .unspecified
                measure.description_p = "帮扶措施\(k + 1)"
                put("MeasureApplied", date(year, 11, 10 + k), measure)
            }
            return
        }
        let helped = h.status != .removed && h.status != .exitedNoPolicy
        if helped {
            for q in 0..<4 where rng.chance(0.93) {
                var v = Fp_VisitRecorded()
                v.cadre = h.cadre
                v.kind = rng.chance(0.7) ? .inPerson : .phone
                put("VisitRecorded", date(year, 2 + q * 3, 1 + rng.int(0...26)), v)
            }
        }
        if h.paidIn(year), h.status != nil {
            var pay = Fp_FundDisbursed()
            pay.from = "village-" + h.village
            pay.household = h.id
            pay.amountFen = perPayment
            pay.purpose = "产业帮扶"
            add(fund, "FundDisbursed", date(year, 5, 1 + h.index % 27), pay, "op-fin")
        }
        guard h.status != .removed else { return }
        // Income around the line: above it in the exit year, below it before.
        let line = Int64(Policy.default.povertyLine(year)?.fen ?? 400_000)
        let above = h.exitYear.map { year >= $0 } ?? false
        let perCapita = above ? line + Int64(rng.int(5_000...200_000)) : line - Int64(rng.int(10_000...120_000))
        var income = Fp_IncomeAssessed()
        income.year = Int32(year)
        let net = perCapita * Int64(h.people)
        income.wageFen = net * 6 / 10
        income.businessFen = net * 3 / 10
        income.businessExpenseFen = net / 20
        var t = Fp_TransferIncome()
        t.minimumLivingFen = net - income.wageFen - income.businessFen + income.businessExpenseFen
        income.transfer = t
        put("IncomeAssessed", date(year, 11, 5 + rng.int(0...15)), income)
        var g = Fp_GuaranteesAssessed()
        g.foodOk = true
        g.clothingOk = true
        g.educationOk = rng.chance(0.98)
        g.members = Int32(h.people)
        g.medicalInsured = rng.chance(0.97) ? Int32(h.people) : Int32(h.people - 1)
        g.housingGrade = above || rng.chance(0.6) ? .b : .c
        g.waterOk = true
        put("GuaranteesAssessed", date(year, 10, 10 + rng.int(0...15)), g)

        if h.removedYear == year {
            var r = Fp_RemovedAsMisidentified()
            r.reason = ["财政供养人员", "有商品房", "有车辆", "经商办企业", "收入超标"][rng.int(0...4)]
            r.foundBy = rng.chance(0.8) ? .dynamicManagement : .audit
            put("RemovedAsMisidentified", date(year, 8, 10 + rng.int(0...15)), r)
            var rel = Fp_HelperReleased()
            rel.cadre = h.cadre
            put("HelperReleased", date(year, 9, 1), rel)
            h.status = .removed
            return
        }
        if h.exitYear == year || (h.status == .returned && h.returnYear.map { year == $0 + 2 } == true) {
            var e = Fp_ExitApproved()
            e.exitYear = Int32(year)
            var proc = Fp_ExitProcedure()
            proc.appraised = raw(year, 11, 28)
            proc.verified = raw(year, 12, 2)
            proc.consent = raw(year, 12, 3)
            proc.villageNoticeFrom = raw(year, 12, 4)
            proc.villageNoticeTo = raw(year, 12, rng.chance(0.95) ? 14 : 10)
            if rng.chance(0.99) { proc.announced = raw(year, 12, 20) }
            e.procedure = proc
            put("ExitApproved", date(year, 12, 20), e)
            h.status = .exited
        } else if h.returnYear == year, h.status == .exited {
            var r = Fp_ReturnedToPoverty()
            r.causes = [h.cause]
            r.foundBy = h.wrongfulExit ? .thirdParty : .dynamicManagement
            r.wrongfulExit = h.wrongfulExit
            put("ReturnedToPoverty", date(year, 9, 5), r)
            h.status = .returned
        }
        if h.monitoredYear == year {
            var m = Fp_MonitoringEnrolled()
            m.category = h.status?.hasExited == true ? .unstableExited : .marginal
            m.risks = ["大病"]
            put("MonitoringEnrolled", date(year, 4, 10), m)
        } else if let y = h.monitoredYear, year == y + 1 {
            var r = Fp_RiskEliminated()
            r.method = "医疗救助"
            put("RiskEliminated", date(year, 12, 28), r)
        }
        if h.entitlementEndYear == year, h.status == .exited {
            var e = Fp_EntitlementEnded()
            e.reason = "稳定脱贫"
            put("EntitlementEnded", date(year, 12, 30), e)
            h.status = .exitedNoPolicy
        }
    }

    mutating func name() -> String { String(Self.surnames[rng.int(0...(Self.surnames.count - 1))]) + givenName() }

    mutating func givenName() -> String {
        var s = String(Self.given[rng.int(0...(Self.given.count - 1))])
        if rng.chance(0.7) { s.append(Self.given[rng.int(0...(Self.given.count - 1))]) }
        return s
    }

    /// A valid id number of this county, born in `year`.
    mutating func idNumber(born year: Int) -> String {
        let first17 = p.county + String(year) + format2(1 + rng.int(0...11)) + format2(1 + rng.int(0...27)) + format3(rng.int(0...999))
        return first17 + String(IDNumber.checkCharacter(for: first17) ?? "0")
    }
}

func date(_ y: Int, _ m: Int, _ d: Int) -> EffectiveDate { EffectiveDate(year: y, month: m, day: d) ?? EffectiveDate(year: y, month: 1, day: 1)! }
func raw(_ y: Int, _ m: Int, _ d: Int) -> UInt32 { UInt32(y * 10000 + m * 100 + d) }
func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
func format3(_ n: Int) -> String { n < 10 ? "00\(n)" : (n < 100 ? "0\(n)" : "\(n)") }
