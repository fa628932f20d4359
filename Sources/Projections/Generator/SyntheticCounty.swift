import EventStore
import SwiftProtobuf

/// A synthetic county with the shape of the real thing (the workload of
/// `docs/performance.md`; seed 003 of `docs/sources.md`): towns and villages with
/// 12-digit codes, cadres, households with members and valid id numbers, causes in
/// seed 003's shares, yearly incomes around each year's line,
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
        /// The number of the first town (101: town codes 530124101, 530124102, ...); a
        /// higher one leaves the towns before it to other data (the demo keeps 101 for
        /// the sample log's village).
        public var firstTown: Int

        public init(households: Int, seed: UInt64 = 1, years: ClosedRange<Int> = 2014...2023, county: String = "530124",
                    firstTown: Int = 101) {
            self.households = households
            self.seed = seed
            self.years = years
            self.county = county
            self.firstTown = firstTown
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

    /// Every id number handed out, so that no two people share one unless the
    /// generator means them to (the duplicate-person cases).
    var usedIDNumbers = Set<String>()

    public init(_ parameters: Parameters) {
        p = parameters
        rng = SplitMix64(seed: parameters.seed)
    }

    /// An event and the day it happened, before the year is sorted.
    typealias Dated = (day: EffectiveDate, event: Event)

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
                villages.append(p.county + String(format3(p.firstTown + t)) + String(format3(201 + v)))
            }
        }
        let cadres = max(1, p.households / 4)
        var population: [String: Int] = [:]
        /// Poor villages and the year each leaves (出列), 2017 to 2020.
        var poorVillages: [String: Int] = [:]
        var households = (0..<p.households).map { i in
            var h = PlannedHousehold(index: i, village: villages[i % villages.count])
            let n = i / villages.count + 1
            h.id = h.village + (n < 10 ? "000" : n < 100 ? "00" : n < 1000 ? "0" : "") + String(n)
            return h
        }
        for k in households.indices { plan(&households[k]) }
        // A few people registered in two households at once (duplicate-person).
        for k in households.indices where k % 300 == 150 && households[k].people >= 3 {
            households[k].members[households[k].people - 1].idNumber = households[k - 1].members[0].idNumber
        }
        var byVillage: [String: [Int]] = [:]
        for (k, h) in households.enumerated() { byVillage[h.village, default: []].append(k) }

        for year in p.years {
            var out: [Dated] = []
            func add(_ stream: String, _ type: String, _ day: EffectiveDate, _ m: any SwiftProtobuf.Message, actor: String = "op-0001") {
                let payload: [UInt8] = (try? m.serializedBytes()) ?? []
                out.append((day, Event(stream: stream, event: ProposedEvent(type: type, effective: day, actor: actor, payload: payload))))
            }
            if year == p.years.lowerBound {
                for (k, v) in villages.enumerated() {
                    var m = Fp_VillageRegistered()
                    m.name = "第\(k + 1)村"
                    m.town = "第\((Int(v.dropFirst(6).prefix(3)) ?? 100) - 100)镇"
                    m.county = "样本县"
                    let pop = 1200 + rng.int(0...1600)
                    population[v] = pop
                    m.population = Int32(pop)
                    m.households = Int32(pop / 4)
                    add(StreamCategory.village.stream(v), "VillageRegistered", date(year, 1, 5), m)
                    if rng.chance(0.3) {
                        add(StreamCategory.village.stream(v), "VillageDesignatedPoor", date(year, 3, 1), Fp_VillageDesignatedPoor())
                        poorVillages[v] = 2017 + k % 4
                    }
                }
                for c in 0..<cadres {
                    var m = Fp_CadreRegistered()
                    m.name = name()
                    // One cadre in 250 is a registered poor person (helper-is-beneficiary).
                    m.idNumber = c % 250 == 17 ? households[min(households.count - 1, c * 4 + 2)].members[0].idNumber
                        : idNumber(born: 1965 + rng.int(0...25))
                    m.unit = ["县农业局", "县教育局", "县卫健局", "乡镇政府", "县财政局"][c % 5]
                    m.level = c % 3 == 0 ? .township : .county
                    m.kind = .civilServant
                    add(StreamCategory.cadre.stream("c\(c)"), "CadreRegistered", date(year, 2, 1 + c % 27), m)
                }
                var policy = Fp_PolicySet()
                policy.key = "publicity_days"
                policy.value = 10
                add(StreamCategory.policy.stream("county"), "PolicySet", date(year, 1, 1), policy)
            }
            for v in villages where year > p.years.lowerBound {
                var m = Fp_PopulationReported()
                m.year = Int32(year - 1)
                population[v, default: 1500] += rng.int(-20...30)
                m.population = Int32(population[v] ?? 1500)
                m.households = m.population / 4
                add(StreamCategory.village.stream(v), "PopulationReported", date(year, 1, 15), m)
            }
            for (v, exit) in poorVillages.sorted(by: { $0.key < $1.key }) where exit == year {
                var m = Fp_VillageExited()
                m.year = Int32(year)
                add(StreamCategory.village.stream(v), "VillageExited", date(year, 12, 28), m)
            }
            let projects = planProjects(year, villages: villages, byVillage: byVillage, households: households)
            try moneyFlows(year, households: households, projects: projects, villages: villages, add)
            for k in households.indices { generateYear(&households[k], year, add) }
            out.sort { $0.day < $1.day }
            try emit(out.map(\.event))
        }
    }

    /// Generates into a store, in appends of `batch` events.
    ///
    /// - Parameter progress: Called with the events written so far.
    /// - Returns: The number of events written.
    @discardableResult
    public mutating func write(into store: any EventLog, batch: Int = 2000, progress: ((Int) -> Void)? = nil) throws -> Int {
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

    /// One payment to a household, planned with the year's money.
    struct PlannedPayment {
        var day: EffectiveDate
        var purpose: String
        var amount: Fen
        /// Spring money (fund -01, paid in April) or autumn money (fund -02, September).
        var spring: Bool
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
        /// The number of the next person to join (births, marriages).
        var nextPerson = 0
        /// The year of its latest exit, surveyed the January after.
        var exitedIn: Int?
        var cadre: String? = "c0"
        var status: HouseholdStatus?
        var payments: [Int: [PlannedPayment]] = [:]
        /// The next visit's day, once helped.
        var nextVisit: EffectiveDate?
        /// The year of one long gap between visits (no-visit), if any.
        var neglectYear: Int?
        var measureMismatch = false
        var transferDominant = false
        var earlyRiskElimination = false
        var loan: (year: Int, amount: Fen, months: Int, overdue: Bool)?
        var relocation: (year: Int, debt: Fen)?

        /// Whether it stands registered for support in April (spring) or September of a year.
        func eligible(_ year: Int, spring: Bool) -> Bool {
            guard year > identifiedYear else { return false }
            if let r = removedYear, year > r || (year == r && !spring) { return false }
            if let e = entitlementEndYear, year > e { return false }
            return true
        }
    }

    mutating func plan(_ h: inout PlannedHousehold) {
        let first = p.years.lowerBound
        // Most households are registered in the first year; about one in six is found
        // later as an omission (漏评, as the 回头看 reviews of 2015-2019 found them),
        // which gives seed 003's 漏评率 against the rural people not registered.
        if rng.chance(0.17) {
            h.identifiedYear = min(p.years.upperBound, first + 1 + rng.int(0...4))
            h.omission = true
        } else {
            h.identifiedYear = rng.chance(0.97) ? first : min(p.years.upperBound, first + rng.int(1...2))
        }
        h.people = [1, 2, 3, 3, 4, 4, 4, 5, 5, 6][rng.int(0...9)]
        h.cause = Self.causeWeights[rng.weighted(Self.causeWeights.map(\.1))].0
        // Four households a cadre; now and then a cadre takes on two more (helper-overloaded),
        // and one household in 200 has no helper at all (no-helper).
        h.cadre = h.index % 400 == 4 || h.index % 400 == 5 ? "c\(h.index / 4 - 1)" : "c\(h.index / 4)"
        if rng.chance(0.005) { h.cadre = nil }
        if rng.chance(0.22) {
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
        h.earlyRiskElimination = rng.chance(0.05)
        h.measureMismatch = rng.chance(0.01)
        h.transferDominant = rng.chance(0.02)
        if rng.chance(0.01) { h.neglectYear = h.identifiedYear + 1 + rng.int(0...3) }
        if rng.chance(0.15), h.identifiedYear + 1 <= p.years.upperBound {
            let big = rng.chance(0.02)
            h.loan = (h.identifiedYear + 1, Fen(big ? 6_000_000 : Int64(10 + rng.int(0...40)) * 100_000), big && rng.chance(0.5) ? 48 : 36,
                      rng.chance(0.1))
        }
        let relocates = [.lackOfLand, .lackOfWater, .poorTransport].contains(h.cause) ? rng.chance(0.6) : rng.chance(0.03)
        if relocates, h.removedYear == nil, h.identifiedYear + 1 <= p.years.upperBound {
            let over = rng.chance(0.1)
            h.relocation = (h.identifiedYear + 1, Fen(over ? Int64(105 + rng.int(0...95)) * 10_000 : Int64(20 + rng.int(0...75)) * 10_000))
        }
        // Money: a spring payment most years, an autumn one for the cause half the time;
        // one household-year in 200 is paid twice in a month (duplicate-disbursement);
        // one removed household in ten is paid the year after (disbursed-to-ineligible).
        let autumnPurpose = [.illness: "健康帮扶", .schooling: "教育帮扶", .lackOfSkills: "就业帮扶"][h.cause] ?? "产业帮扶"
        for y in p.years {
            var list: [PlannedPayment] = []
            if h.eligible(y, spring: true) && rng.chance(0.85) {
                let day = date(y, 4, 2 + rng.int(0...20))
                list.append(PlannedPayment(day: day, purpose: "产业帮扶", amount: Fen(Int64(10 + rng.int(0...20)) * 10_000), spring: true))
                if rng.chance(0.002) {
                    list.append(PlannedPayment(day: date(y, 4, day.day + 5), purpose: "产业帮扶", amount: Fen(50_000), spring: true))
                }
            }
            if h.eligible(y, spring: false) && rng.chance(0.75) {
                list.append(PlannedPayment(day: date(y, 9, 2 + rng.int(0...25)), purpose: autumnPurpose,
                                           amount: Fen(Int64(5 + rng.int(0...15)) * 10_000), spring: false))
            }
            if let r = h.removedYear, y == r + 1, h.index % 10 == 0 {
                list.append(PlannedPayment(day: date(y, 4, 20), purpose: "产业帮扶", amount: Fen(100_000), spring: true))
            }
            if !list.isEmpty { h.payments[y] = list }
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
            // 因病: the head is ill nine times in ten, the spouse half the time.
            let ill = h.cause == .illness && ((k == 0 && rng.chance(0.9)) || (k == 1 && rng.chance(0.5)))
            m.health = ill ? (rng.chance(0.5) ? .seriousIllness : .chronicIllness) : (h.cause == .disability && k == 0 ? .disabled : .healthy)
            m.labor = m.health == .healthy ? .ordinary : .lost
            members.append(m)
        }
        h.members = members
        h.nextPerson = h.people
    }

    /// A project planned for a village's year, paid from the spring fund.
    struct PlannedProject {
        var id: String
        var village: String
        var kind: String
        var budget: Fen
        var beneficiaries: [String]
        /// Paid while its notice still ran (disbursed-before-publicity).
        var early: Bool
    }

    /// About one village in four builds something each year for up to ten of its
    /// registered households.
    mutating func planProjects(_ year: Int, villages: [String], byVillage: [String: [Int]], households: [PlannedHousehold]) -> [PlannedProject] {
        var out: [PlannedProject] = []
        for v in villages where year > p.years.lowerBound && rng.chance(0.25) {
            let eligible = (byVillage[v] ?? []).filter { households[$0].eligible(year, spring: true) }
            guard !eligible.isEmpty else { continue }
            let start = rng.int(0...(eligible.count - 1))
            let chosen = (0..<min(10, eligible.count)).map { households[eligible[(start + $0) % eligible.count]].id }
            let kind = ["饮水安全", "基础设施", "产业帮扶", "住房安全"][rng.int(0...3)]
            out.append(PlannedProject(id: "\(year)-\(v.suffix(6))", village: v, kind: kind,
                                      budget: Fen(Int64(5 + rng.int(0...25)) * 1_000_000), beneficiaries: chosen, early: rng.chance(0.05)))
        }
        return out
    }

    /// The year's two funds: spring (中央财政专项, allocated in March) and autumn
    /// (省级财政专项, August), each passed county -> town -> village within a month and paid
    /// out within another, exactly what the year's payments need. In one year of four the
    /// spring allocation comes early in January (funds-idle at the county); in another,
    /// the first village pays 100.00 元 it never received (funds-overdrawn).
    mutating func moneyFlows(_ year: Int, households: [PlannedHousehold], projects: [PlannedProject], villages: [String],
                             _ add: (String, String, EffectiveDate, any SwiftProtobuf.Message, String) -> Void) throws {
        let county = FundUnit.county(p.county).description
        for spring in [true, false] {
            let fund = StreamCategory.fund.stream("\(year)-0\(spring ? 1 : 2)")
            var byVillage: [String: Fen] = [:]
            var payments: [(EffectiveDate, Fp_FundDisbursed)] = []
            for h in households {
                for pay in h.payments[year] ?? [] where pay.spring == spring {
                    var m = Fp_FundDisbursed()
                    m.from = FundUnit.village(h.village).description
                    m.household = h.id
                    m.amountFen = pay.amount.value
                    m.purpose = pay.purpose
                    m.voucher = "兑-\(year)-\(h.index)"
                    payments.append((pay.day, m))
                    try byVillage[h.village, default: .zero] += pay.amount
                }
            }
            if spring {
                for pr in projects {
                    var m = Fp_FundDisbursed()
                    m.from = FundUnit.village(pr.village).description
                    m.project = pr.id
                    m.amountFen = pr.budget.value
                    m.purpose = pr.kind
                    payments.append((date(year, 4, 5), m))
                    try byVillage[pr.village, default: .zero] += pr.budget
                }
            }
            let total = try Fen.sum(byVillage.values)
            guard total > .zero else { continue }
            var alloc = Fp_FundAllocated()
            alloc.document = spring ? "样财农〔\(year)〕1号" : "样财农〔\(year)〕2号"
            alloc.source = spring ? .central : .provincial
            alloc.amountFen = total.value
            alloc.to = county
            alloc.purpose = spring ? "产业帮扶" : "到户帮扶"
            let early = spring && (year - p.years.lowerBound) % 4 == 2
            add(fund, "FundAllocated", spring ? (early ? date(year, 1, 25) : date(year, 3, 1)) : date(year, 8, 1), alloc, "op-fin")
            var byTown: [String: Fen] = [:]
            for (v, amount) in byVillage { try byTown[String(v.prefix(9)), default: .zero] += amount }
            for (town, amount) in byTown.sorted(by: { $0.key < $1.key }) {
                var t = Fp_FundTransferred()
                t.from = county
                t.to = FundUnit.town(town).description
                t.amountFen = amount.value
                add(fund, "FundTransferred", spring ? date(year, 3, 15) : date(year, 8, 20), t, "op-fin")
            }
            for (v, amount) in byVillage.sorted(by: { $0.key < $1.key }) {
                var t = Fp_FundTransferred()
                t.from = FundUnit.town(String(v.prefix(9))).description
                t.to = FundUnit.village(v).description
                t.amountFen = amount.value
                add(fund, "FundTransferred", spring ? date(year, 4, 1) : date(year, 9, 1), t, "op-fin")
            }
            for (day, m) in payments { add(fund, "FundDisbursed", day, m, "op-fin") }
            if spring, (year - p.years.lowerBound) % 4 == 3, let v = villages.first, let h = households.first(where: { $0.village == v && !($0.payments[year] ?? []).isEmpty }) {
                var m = Fp_FundDisbursed()
                m.from = FundUnit.village(v).description
                m.household = h.id
                m.amountFen = 10_000
                m.purpose = "教育帮扶"
                add(fund, "FundDisbursed", date(year, 4, 28), m, "op-fin")
            }
        }
        for pr in projects {
            let stream = StreamCategory.project.stream(pr.id)
            var r = Fp_ProjectRegistered()
            r.village = pr.village
            r.name = "\(pr.kind)项目"
            r.kind = pr.kind
            r.budgetFen = pr.budget.value
            r.beneficiaries = pr.beneficiaries
            add(stream, "ProjectRegistered", date(year, 3, 5), r, "op-0001")
            var n = Fp_ProjectPublicized()
            n.from = pr.early ? raw(year, 4, 1) : raw(year, 3, 10)
            n.to = pr.early ? raw(year, 4, 10) : raw(year, 3, 19)
            n.channel = "村务公开栏"
            add(stream, "ProjectPublicized", pr.early ? date(year, 4, 1) : date(year, 3, 10), n, "op-0001")
            add(stream, "ProjectCompleted", date(year, 7, 15 + rng.int(0...14)), Fp_ProjectCompleted(), "op-0001")
            add(stream, "ProjectAccepted", date(year, 9, 10), Fp_ProjectAccepted(), "op-0001")
            var a = Fp_AssetRegistered()
            a.asset = "A-" + pr.id
            a.class = pr.kind == "产业帮扶" ? .operating : .publicWelfare
            a.valueFen = pr.budget.value
            a.owner = FundUnit.village(pr.village).description
            add(stream, "AssetRegistered", date(year, 9, 20), a, "op-0001")
            if pr.kind == "产业帮扶", year < p.years.upperBound {
                var d = Fp_AssetIncomeDistributed()
                d.asset = a.asset
                d.amountFen = pr.budget.value / 20
                d.recipients = pr.beneficiaries
                add(stream, "AssetIncomeDistributed", date(year + 1, 1, 15), d, "op-0001")
            }
        }
    }

    mutating func generateYear(_ h: inout PlannedHousehold, _ year: Int,
                               _ add: (String, String, EffectiveDate, any SwiftProtobuf.Message, String) -> Void) {
        let stream = StreamCategory.household.stream(h.id)
        let actor = "op-\(h.index % 50)"
        func put(_ type: String, _ day: EffectiveDate, _ m: any SwiftProtobuf.Message) { add(stream, type, day, m, actor) }
        guard year >= h.identifiedYear else { return }
        if year == h.identifiedYear {
            identify(&h, year, put)
            visits(&h, year, put)
            return
        }
        visits(&h, year, put)
        guard h.status != .removed else { return }
        memberChanges(&h, year, put)
        surveys(&h, year, put)
        assessments(&h, year, put)
        if let l = h.loan { loanEvents(l, year, put) }
        if let r = h.relocation, r.year == year {
            var m = Fp_RelocationRecorded()
            m.site = "第\((Int(h.village.dropFirst(6).prefix(3)) ?? 100) - 100)镇安置点"
            m.selfRaisedDebtFen = r.debt.value
            put("RelocationRecorded", date(year, 6, 15), m)
            var measure = Fp_MeasureApplied()
            measure.category = .relocation
            measure.addresses = h.cause
            measure.description_p = "易地扶贫搬迁"
            put("MeasureApplied", date(year, 6, 20), measure)
        }
        if year % 2 == 0, h.status?.isPoor == true {
            var measure = Fp_MeasureApplied()
            measure.category = [.industry, .employment, .publicWelfareJob, .education][rng.int(0...3)]
            measure.description_p = "年度帮扶措施"
            put("MeasureApplied", date(year, 3, 20), measure)
        }

        if h.removedYear == year {
            var r = Fp_RemovedAsMisidentified()
            r.reason = ["财政供养人员", "有商品房", "有车辆", "经商办企业", "收入超标"][rng.int(0...4)]
            r.foundBy = rng.chance(0.8) ? .dynamicManagement : .audit
            put("RemovedAsMisidentified", date(year, 8, 10 + rng.int(0...15)), r)
            if let c = h.cadre {
                var rel = Fp_HelperReleased()
                rel.cadre = c
                put("HelperReleased", date(year, 9, 1), rel)
            }
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
            h.exitedIn = year
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
            if !h.earlyRiskElimination {
                var measure = Fp_MeasureApplied()
                measure.category = .health
                measure.addresses = .illness
                measure.description_p = "监测帮扶"
                put("MeasureApplied", date(year, 5, 10), measure)
            } else {
                var r = Fp_RiskEliminated()
                r.method = "自然消除"
                put("RiskEliminated", date(year, 8, 20), r)
            }
        } else if let y = h.monitoredYear, year == y + 1, !h.earlyRiskElimination {
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

    /// The identification year: identified in October, a helper in November, the
    /// first measures.
    mutating func identify(_ h: inout PlannedHousehold, _ year: Int, _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
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
        if let c = h.cadre {
            var helper = Fp_HelperAssigned()
            helper.cadre = c
            put("HelperAssigned", date(year, 11, 1), helper)
            h.nextVisit = EffectiveDate(daysSinceEpoch: date(year, 11, 1).daysSinceEpoch + 20 + rng.int(0...30))
        }
        let others: [Fp_Cause] = [.lackOfSkills, .lackOfFunds, .lackOfDrive]
        for k in 0..<(2 + rng.int(0...2)) {
            var measure = Fp_MeasureApplied()
            let matching: Fp_Measure = [.illness: .health, .schooling: .education, .lackOfSkills: .employment,
                                        .lackOfFunds: .finance, .lackOfLabor: .publicWelfareJob][h.cause] ?? .industry
            measure.category = k == 0 && rng.chance(0.9) ? matching : [.industry, .employment, .housing, .drinkingWater][rng.int(0...3)]
            measure.addresses = k == 0 ? (h.measureMismatch ? others.first { $0 != h.cause }! : h.cause) : .unspecified
            measure.description_p = "帮扶措施\(k + 1)"
            put("MeasureApplied", date(year, 11, 10 + k), measure)
        }
    }

    /// Births, deaths and marriages: a child to a couple of child-bearing age (5% a
    /// year), an elderly member other than the head dies (3% a year; never an ill one,
    /// whose health is the evidence of a 因病 household), a grown child marries out (8%
    /// a year from 20) or brings a spouse in (3% a year from 23).
    mutating func memberChanges(_ h: inout PlannedHousehold, _ year: Int, _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
        func born(_ m: Fp_Person) -> Int { Int(m.birthDate / 10000) }
        func change(_ person: Fp_Person, _ kind: Fp_MemberChange, _ day: EffectiveDate) {
            var m = Fp_MemberChanged()
            m.person = person
            m.change = kind
            put("MemberChanged", day, m)
        }
        func newcomer(born year: Int, relation: String) -> Fp_Person {
            var m = Fp_Person()
            m.personID = "p\(h.index)-\(h.nextPerson)"
            h.nextPerson += 1
            m.name = relation == "子女" ? String(h.members[0].name.prefix(1)) + givenName() : name()
            m.idNumber = idNumber(born: year)
            m.birthDate = UInt32(year * 10000 + 101 + rng.int(0...10) * 100 + rng.int(0...27))
            m.relation = relation
            m.health = .healthy
            m.labor = relation == "子女" ? .none : .ordinary
            return m
        }
        if let spouse = h.members.first(where: { $0.relation == "配偶" }), year - born(spouse) <= 42, rng.chance(0.05) {
            let child = newcomer(born: year, relation: "子女")
            change(child, .birth, date(year, 3 + rng.int(0...5), 1 + rng.int(0...27)))
            h.members.append(child)
        }
        if let k = h.members.indices.dropFirst().first(where: { born(h.members[$0]) < 1960 && h.members[$0].health == .healthy }),
           rng.chance(0.03) {
            change(h.members[k], .death, date(year, 1 + rng.int(0...10), 1 + rng.int(0...27)))
            h.members.remove(at: k)
        }
        if let k = h.members.indices.first(where: { h.members[$0].relation == "子女" && year - born(h.members[$0]) >= 20 }) {
            if rng.chance(0.08) {
                change(h.members[k], .marriedOut, date(year, 1 + rng.int(0...10), 1 + rng.int(0...27)))
                h.members.remove(at: k)
            } else if year - born(h.members[k]) >= 23, !h.members.contains(where: { $0.relation == "儿媳" }), rng.chance(0.03) {
                let spouse = newcomer(born: year - 23 - rng.int(0...4), relation: "儿媳")
                change(spouse, .marriedIn, date(year, 1 + rng.int(0...10), 1 + rng.int(0...27)))
                h.members.append(spouse)
            }
        }
        h.people = h.members.count
    }

    /// 群众认可度 surveys: every exit in the January after it (the third-party
    /// assessment asks the household whether it agrees it has left poverty), and one
    /// household in ten a year in the provincial cross-check of 2016-2020. 94% agree; a
    /// household that exited wrongly (错退) half the time.
    mutating func surveys(_ h: inout PlannedHousehold, _ year: Int, _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
        func survey(_ day: EffectiveDate, notes: String) {
            var m = Fp_SurveyRecorded()
            m.approves = rng.chance(h.wrongfulExit ? 0.5 : 0.94)
            m.notes = notes
            put("SurveyRecorded", day, m)
        }
        if h.exitedIn == year - 1, h.status?.hasExited == true { survey(date(year, 1, 8 + rng.int(0...15)), notes: "退出认可度") }
        if (2016...2020).contains(year), rng.chance(0.1) { survey(date(year, 11, 20 + rng.int(0...8)), notes: "交叉考核") }
    }

    /// Visits by the helper every 25 to 75 days while the household is helped and
    /// registered; in its neglect year (one household in a hundred) one gap of 100 to
    /// 150 days.
    mutating func visits(_ h: inout PlannedHousehold, _ year: Int, _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
        guard let c = h.cadre, h.status != .removed, h.status != .exitedNoPolicy else { return }
        // Help stops at removal (August) and when policy support ends (December 30).
        let stop = h.removedYear == year ? date(year, 8, 9) : (h.entitlementEndYear == year ? date(year, 12, 29) : date(year, 12, 31))
        if let v = h.nextVisit, v.year < year { h.nextVisit = date(year, 1, 2 + rng.int(0...10)) }
        var neglected = false
        while let v = h.nextVisit, v.year == year, v <= stop {
            var m = Fp_VisitRecorded()
            m.cadre = c
            m.kind = rng.chance(0.7) ? .inPerson : (rng.chance(0.5) ? .phone : .wechat)
            put("VisitRecorded", v, m)
            var gap = 25 + rng.int(0...50)
            if h.neglectYear == year && !neglected { gap = 100 + rng.int(0...50); neglected = true }
            h.nextVisit = EffectiveDate(daysSinceEpoch: v.daysSinceEpoch + gap)
        }
    }

    /// The year's income assessment (November) and 两不愁三保障 check (October).
    mutating func assessments(_ h: inout PlannedHousehold, _ year: Int, _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
        // Income around the line: above it in the exit year, below it before; a wrongful
        // exit (错退) was below it when it exited.
        let line = Int64(Policy.default.povertyLine(year)?.fen ?? 400_000)
        let exiting = h.exitYear == year
        let above = (h.exitYear.map { year >= $0 } ?? false) && !(exiting && h.wrongfulExit)
        let perCapita = above ? line + Int64(rng.int(5_000...200_000)) : line - Int64(rng.int(10_000...120_000))
        var income = Fp_IncomeAssessed()
        income.year = Int32(year)
        let net = perCapita * Int64(h.people)
        let transferShare: Int64 = exiting && h.transferDominant ? 60 : 15
        income.wageFen = net * (85 - transferShare) / 100
        income.businessFen = net - income.wageFen - net * transferShare / 100
        var t = Fp_TransferIncome()
        t.minimumLivingFen = net - income.wageFen - income.businessFen
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
    }

    /// A small loan: issued in June, repaid when its term ends, or reported overdue a
    /// month after and repaid a year later.
    func loanEvents(_ l: (year: Int, amount: Fen, months: Int, overdue: Bool), _ year: Int,
                    _ put: (String, EffectiveDate, any SwiftProtobuf.Message) -> Void) {
        let id = "L-\(l.year)-\(l.amount.value / 100)"
        let dueYear = l.year + l.months / 12
        if year == l.year {
            var m = Fp_LoanIssued()
            m.loan = id
            m.amountFen = l.amount.value
            m.termMonths = Int32(l.months)
            m.bank = "样本县农村信用社"
            put("LoanIssued", date(year, 6, 1), m)
        } else if year == dueYear && l.overdue {
            var m = Fp_LoanOverdue()
            m.loan = id
            put("LoanOverdue", date(year, 7, 1), m)
        } else if year == (l.overdue ? dueYear + 1 : dueYear) {
            var m = Fp_LoanRepaid()
            m.loan = id
            m.amountFen = l.amount.value
            put("LoanRepaid", date(year, 6, 1), m)
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
        while true {
            let first17 = p.county + String(year) + format2(1 + rng.int(0...11)) + format2(1 + rng.int(0...27)) + format3(rng.int(0...999))
            let number = first17 + String(IDNumber.checkCharacter(for: first17) ?? "0")
            if usedIDNumbers.insert(number).inserted { return number }
        }
    }
}

func date(_ y: Int, _ m: Int, _ d: Int) -> EffectiveDate { EffectiveDate(year: y, month: m, day: d) ?? EffectiveDate(year: y, month: 1, day: 1) ?? .epoch }
func raw(_ y: Int, _ m: Int, _ d: Int) -> UInt32 { UInt32(y * 10000 + m * 100 + d) }
func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
func format3(_ n: Int) -> String { n < 10 ? "00\(n)" : (n < 100 ? "0\(n)" : "\(n)") }
