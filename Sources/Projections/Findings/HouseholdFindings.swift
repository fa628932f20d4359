import EventStore

/// The rules of the findings table that concern households, cadres, loans and who was
/// paid: facts gathered while the county is folded (as corrected and visible at the
/// point), judged at the end with the policy in force on each fact's date, since a
/// PolicySet may be recorded after the events it governs (`docs/findings.md`).
final class HouseholdFindings {
    /// Where a piece of evidence stands: its position and effective date.
    /// Ordered by date, then by position in the log.
    struct Mark: Comparable {
        var position: UInt64
        var effective: EffectiveDate

        static func < (a: Mark, b: Mark) -> Bool { (a.effective, a.position) < (b.effective, b.position) }
    }

    /// A change in whether a household stands registered for support: identified or
    /// returned to poverty (true), removed or no longer entitled (false).
    struct Standing {
        var mark: Mark
        var registered: Bool
        var what: String
    }

    /// What the rules need of one household beyond its state.
    struct Track {
        var identified: Mark?
        var assessments: [ExitDossier.Assessment] = []
        var helperChanges: [(mark: Mark, cadre: String, assigned: Bool)] = []
        var standings: [Standing] = []
        /// Measures applied since the household was enrolled for monitoring.
        var measuresWhileMonitored = 0
    }

    /// One person in one household for a while: from when they were entered to when
    /// they left or the household was removed.
    struct Membership {
        var household: String
        var person: String
        var from: Mark
        var to: EffectiveDate?
    }

    /// A household helped and registered when the record ends, and the day of its last
    /// visit (or of the start of its help): no-visit finds it when the record's last day
    /// is more than the visit interval of that day's policy later.
    struct OpenVisit {
        var household: String
        var since: Mark
        var limitDays: Int

        /// Its finding when the record ends on `horizon`, if the gap is too long.
        func finding(horizon: EffectiveDate) -> Finding? {
            let gap = horizon.daysSinceEpoch - since.effective.daysSinceEpoch
            guard gap > limitDays else { return nil }
            return Finding(rule: "no-visit", stream: StreamCategory.household.stream(household), position: since.position, effective: since.effective,
                           detail: "至记录截止 \(horizon) 已 \(gap) 天没有走访（自 \(since.effective)），超过 \(limitDays) 天",
                           household: household)
        }
    }

    /// Per household, by its slot in the county build (``CountyBuilder/HouseholdKey``).
    private var tracks: [Track] = []
    private var trackIDs: [String] = []
    private var memberships: [String: [Membership]] = [:]          // by id number
    private var openMembership: [String: (idNumber: String, index: Int)] = [:]  // household + "\0" + person
    private(set) var cadres: [String: (idNumber: String, mark: Mark)] = [:]
    private var exits: [(id: String, before: HouseholdState, exit: LoggedEvent, assessments: [ExitDossier.Assessment])] = []
    private var relocations: [(id: String, mark: Mark, debt: Fen)] = []
    private var loans: [(id: String, mark: Mark, loan: String, amount: Fen, months: Int)] = []
    private var eliminations: [(id: String, mark: Mark, since: EffectiveDate, measures: Int)] = []
    /// Every visit to a household while it was registered, in log order: its slot and
    /// mark. One pair of arrays for the county rather than one array per household: a
    /// visit is most of a household's events, and appending to one hot array costs less
    /// than reaching each household's own (``visitsByTrack()`` groups them).
    private var visitSlots: [Int32] = []
    private var visitMarks: [Mark] = []
    /// Findings that need no policy, found as the events are folded.
    private var found: [Finding] = []

    /// Feeds it one household's events, for a fold of that household alone (``FindingsState``
    /// judging the households a log's tail touched): the same hook as a county build's.
    func fold(household id: String, events: [LoggedEvent]) throws -> HouseholdState? {
        var state: HouseholdState?
        let key = CountyBuilder.HouseholdKey(slot: 0, id: id)
        for e in events {
            household(e, key, &state)
            try HouseholdFold.apply(&state, e, id: id)
        }
        return state
    }

    /// Takes in what another lane of the same build found (``CountyBuilder``'s lanes
    /// fold disjoint households): its households follow these in the slot order, and the
    /// spans of an id number found in both are put back in log order, as one lane would
    /// have entered them.
    func absorb(_ other: HouseholdFindings) {
        let offset = Int32(tracks.count)
        tracks += other.tracks
        trackIDs += other.trackIDs
        visitSlots += other.visitSlots.map { $0 + offset }
        visitMarks += other.visitMarks
        for (idNumber, spans) in other.memberships {
            if memberships[idNumber] == nil {
                memberships[idNumber] = spans
            } else {
                memberships[idNumber, default: []] += spans
                memberships[idNumber]?.sort { $0.from.position < $1.from.position }
            }
        }
        cadres.merge(other.cadres) { mine, _ in mine }
        exits += other.exits
        relocations += other.relocations
        loans += other.loans
        eliminations += other.eliminations
        found += other.found
    }

    /// The hooks that feed it during a county build.
    var observer: CountyBuilder.Observer {
        CountyBuilder.Observer(beforeEvent: { [unowned self] e, key, before in self.household(e, key, &before) },
                               cadreEvent: { [unowned self] e, id in self.cadre(e, id) },
                               payloadKinds: [.householdIdentified, .memberChanged, .guaranteesAssessed, .helperAssigned,
                                              .helperReleased, .exitApproved, .relocationRecorded, .loanIssued])
    }

    private func household(_ e: LoggedEvent, _ key: CountyBuilder.HouseholdKey, _ before: inout HouseholdState?) {
        while tracks.count <= key.slot {
            tracks.append(Track())
            trackIDs.append("")
        }
        let k = key.slot
        if !key.id.isEmpty { trackIDs[k] = key.id }
        // The id only where a rule writes it down: most events (visits, measures) need none.
        var id: String { trackIDs[k] }
        let mark = Mark(position: e.position, effective: e.effective)
        // `before` is read through projections of its small fields (`before?.status`),
        // never as a whole: `before != nil` would copy the whole state (every array and
        // set in it retained) on every event.
        let status = before?.status
        switch e.kind {
        case .householdIdentified:
            guard status == nil || status == .removed, let m = try? e.decode(Fp_HouseholdIdentified.self) else { return }
            tracks[k].identified = mark
            tracks[k].standings.append(Standing(mark: mark, registered: true, what: "识别纳入"))
            for p in m.members { enter(household: id, person: p.personID, idNumber: p.idNumber, at: mark) }
            let p = m.procedure
            var missing: [String] = []
            if p.villageNoticeFrom == 0 || p.villageNoticeTo == 0 { missing.append("村级公示") }
            if p.townNoticeFrom == 0 || p.townNoticeTo == 0 { missing.append("乡镇公示") }
            if p.countyApproved == 0 { missing.append("县级审定公告") }
            if !missing.isEmpty {
                found.append(Finding(rule: "identification-procedure-incomplete", stream: StreamCategory.household.stream(id), position: e.position,
                                     effective: e.effective, detail: "\(e.effective) 识别纳入，缺少" + missing.joined(separator: "、")))
            }
        case .memberChanged:
            guard status != nil, let m = try? e.decode(Fp_MemberChanged.self) else { return }
            switch m.change {
            case .birth, .marriedIn, .movedIn: enter(household: id, person: m.person.personID, idNumber: m.person.idNumber, at: mark)
            case .death, .marriedOut, .split, .movedOut: leave(household: id, person: m.person.personID, on: e.effective)
            default: break
            }
        case .guaranteesAssessed:
            guard status != nil, let m = try? e.decode(Fp_GuaranteesAssessed.self) else { return }
            tracks[k].assessments.append(.init(effective: e.effective, passed: HouseholdRules.guaranteesPass(m)))
        case .helperAssigned, .helperReleased:
            guard status != nil else { return }
            let assigned = e.kind == .helperAssigned
            guard let cadre = assigned ? (try? e.decode(Fp_HelperAssigned.self))?.cadre : (try? e.decode(Fp_HelperReleased.self))?.cadre,
                  before?.helpers.contains(cadre) != assigned else { return }  // as the fold: a repeat changes nothing
            tracks[k].helperChanges.append((mark, cadre, assigned))
        case .visitRecorded:
            guard status != nil else { return }
            visitSlots.append(Int32(k))
            visitMarks.append(mark)
        case .measureApplied:
            if before?.monitored == true { tracks[k].measuresWhileMonitored += 1 }
        case .exitApproved:
            guard status?.isPoor == true, let h = before else { return }
            exits.append((id, h, e, tracks[k].assessments))
        case .returnedToPoverty:
            guard status?.hasExited == true else { return }
            tracks[k].standings.append(Standing(mark: mark, registered: true, what: "返贫"))
            if let exited = before?.exitedOn, e.effective < exited.adding(months: 12) {
                let days = e.effective.daysSinceEpoch - exited.daysSinceEpoch
                found.append(Finding(rule: "quick-return", stream: StreamCategory.household.stream(id), position: e.position, effective: e.effective,
                                     detail: "\(exited) 退出，\(e.effective) 返贫，相隔 \(days) 天，不足 12 个月"))
            }
        case .removedAsMisidentified:
            guard let status, status != .removed else { return }
            tracks[k].standings.append(Standing(mark: mark, registered: false, what: "剔除"))
            for m in before?.members ?? [] { leave(household: id, person: m.personID, on: e.effective) }
        case .entitlementEnded:
            guard status == .exited else { return }
            tracks[k].standings.append(Standing(mark: mark, registered: false, what: "不再享受政策"))
        case .monitoringEnrolled:
            guard let status, status != .removed, before?.monitored == false else { return }
            tracks[k].measuresWhileMonitored = 0
        case .riskEliminated:
            guard before?.monitored == true, let since = before?.monitoredSince else { return }
            eliminations.append((id, mark, since, tracks[k].measuresWhileMonitored))
        case .relocationRecorded:
            guard status != nil, let m = try? e.decode(Fp_RelocationRecorded.self) else { return }
            relocations.append((id, mark, Fen(m.selfRaisedDebtFen)))
        case .loanIssued:
            guard status != nil, let m = try? e.decode(Fp_LoanIssued.self) else { return }
            loans.append((id, mark, m.loan, Fen(m.amountFen), Int(m.termMonths)))
        default:
            break
        }
    }

    private func cadre(_ e: LoggedEvent, _ id: String) {
        guard e.kind == .cadreRegistered, let m = try? e.decode(Fp_CadreRegistered.self) else { return }
        cadres[id] = (m.idNumber, Mark(position: e.position, effective: e.effective))
    }

    private func enter(household: String, person: String, idNumber: String, at mark: Mark) {
        let key = household + "\u{0}" + person
        guard !idNumber.isEmpty, openMembership[key] == nil else { return }
        memberships[idNumber, default: []].append(Membership(household: household, person: person, from: mark, to: nil))
        openMembership[key] = (idNumber, (memberships[idNumber]?.count ?? 1) - 1)
    }

    private func leave(household: String, person: String, on day: EffectiveDate) {
        guard let (idNumber, index) = openMembership.removeValue(forKey: household + "\u{0}" + person) else { return }
        memberships[idNumber]?[index].to = day
    }

    // MARK: - Judging

    private lazy var slotOf: [String: Int] = Dictionary(trackIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

    private var standingsCache: [String: [Standing]] = [:]

    /// A household's standings in date order (then log order), sorted once.
    private func sortedStandings(_ id: String) -> [Standing] {
        if let s = standingsCache[id] { return s }
        let s = (track(id)?.standings ?? []).sorted { $0.mark < $1.mark }
        standingsCache[id] = s
        return s
    }

    /// A household's track by id, after the fold.
    private func track(_ id: String) -> Track? { slotOf[id].map { tracks[$0] } }

    /// The rules that involve more than one household: helper-overloaded (a cadre's
    /// households), duplicate-person and helper-is-beneficiary (id numbers across
    /// households and cadres).
    static let crossHouseholdRules: Set<String> = ["helper-overloaded", "duplicate-person", "helper-is-beneficiary"]

    /// The findings of the cross-household rules (``crossHouseholdRules``).
    func crossHouseholdFindings(county: CountyState) -> [Finding] {
        var out: [Finding] = []
        judgeHelperLoad(county, &out)
        judgePersons(county, &out)
        return out
    }

    /// Every household's standings, in date order (then log order).
    func standingsByHousehold() -> [String: [Standing]] {
        var out: [String: [Standing]] = [:]
        for (k, t) in tracks.enumerated() where !t.standings.isEmpty { out[trackIDs[k]] = sortedStandings(trackIDs[k]) }
        return out
    }

    /// The findings each household has of its own events and state (every rule but the
    /// cross-household ones and the payments'), and the households still waiting for a
    /// visit when the record ends: their no-visit finding depends on that day
    /// (``OpenVisit``).
    func householdFindings(county: CountyState) throws -> (findings: [Finding], open: [OpenVisit]) {
        var out = found
        var open: [OpenVisit] = []
        try judgeExits(county, &out)
        judgeVisits(county, &out, &open)
        judgeState(county, &out)
        for r in relocations {
            let limit = Fen(county.policy(on: r.mark.effective).values["relocation_debt_limit_fen"] ?? 1_000_000)
            guard r.debt > limit else { continue }
            out.append(Finding(rule: "relocation-debt", stream: StreamCategory.household.stream(r.id), position: r.mark.position,
                               effective: r.mark.effective,
                               detail: "易地搬迁自筹 \(r.debt.yuan) 元，超过上限 \(limit.yuan) 元"))
        }
        for l in loans {
            let p = county.policy(on: l.mark.effective)
            let limit = Fen(p.values["loan_limit_fen"] ?? 5_000_000), term = Int(p.values["loan_term_limit_months"] ?? 36)
            var over: [String] = []
            if l.amount > limit { over.append("金额 \(l.amount.yuan) 元超过 \(limit.yuan) 元") }
            if l.months > term { over.append("期限 \(l.months) 个月超过 \(term) 个月") }
            guard !over.isEmpty else { continue }
            out.append(Finding(rule: "loan-out-of-terms", stream: StreamCategory.household.stream(l.id), position: l.mark.position,
                               effective: l.mark.effective,
                               detail: "小额信贷 \(l.loan) " + over.joined(separator: "，")))
        }
        for r in eliminations {
            let months = Int(county.policy(on: r.mark.effective).values["risk_elimination_min_months"] ?? 6)
            let earliest = r.since.adding(months: months)
            var why: [String] = []
            if r.mark.effective < earliest { why.append("监测不足 \(months) 个月（最早 \(earliest)）") }
            if r.measures == 0 { why.append("监测期间没有帮扶措施") }
            guard !why.isEmpty else { continue }
            out.append(Finding(rule: "early-risk-elimination", stream: StreamCategory.household.stream(r.id), position: r.mark.position,
                               effective: r.mark.effective,
                               detail: "\(r.since) 纳入监测，\(r.mark.effective) 风险消除：" + why.joined(separator: "，")))
        }
        return (out, open)
    }

    private func judgeExits(_ county: CountyState, _ out: inout [Finding]) throws {
        for x in exits {
            let policy = county.policy(on: x.exit.effective)
            let d = try ExitDossier.assess(id: x.id, before: x.before, exit: x.exit, assessments: x.assessments, policy: policy)
            let stream = StreamCategory.household.stream(x.id)
            func add(_ rule: String, _ detail: String) {
                out.append(Finding(rule: rule, stream: stream, position: x.exit.position, effective: x.exit.effective, detail: detail))
            }
            if let line = d.line {
                if let income = d.income, let year = d.incomeYear {
                    if income < line {
                        add("exit-income-below-line", "\(d.exitYear) 年退出，\(year) 年人均纯收入 \(income.yuan) 元 低于 \(d.exitYear) 年标准 \(line.yuan) 元")
                    }
                } else {
                    add("exit-income-below-line", "\(d.exitYear) 年退出，没有 \(d.exitYear) 或 \(d.exitYear - 1) 年的收入核算（标准 \(line.yuan) 元）")
                }
            }
            if !d.guaranteesOK {
                let from = x.exit.effective.adding(months: -12)
                let last = d.guaranteesDate.map { "，\($0) 的核查未通过" } ?? ""
                add("exit-guarantees-unmet", "退出前 12 个月（\(from) 至 \(x.exit.effective)）没有通过的两不愁三保障核查" + last)
            }
            if !d.procedureOK {
                let missing = d.steps.filter { $0.required && !$0.ok }.map { s in s.date.map { "\(s.name)（\($0)）" } ?? s.name }
                add("exit-procedure-incomplete", "\(d.exitYear) 年退出，程序不全：" + missing.joined(separator: "、"))
            }
            let percent = policy.values["transfer_income_share_percent"] ?? 50
            if let inc = x.before.income, inc.year == d.incomeYear, inc.net > .zero, inc.transfer.value * 100 > percent * inc.net.value {
                let share = Double(inc.transfer.value) * 100 / Double(inc.net.value)
                add("exit-transfer-income-dominant",
                    "转移性收入 \(inc.transfer.yuan) 元占纯收入 \(inc.net.yuan) 元的 \(oneDecimal(share))%，超过 \(percent)%")
            }
        }
    }

    /// The visits grouped by household (a counting sort by slot, log order kept within
    /// each): household `k`'s are `visits[start[k] ..< start[k + 1]]`.
    private func visitsByTrack() -> (start: [Int], visits: [Mark]) {
        var start = [Int](repeating: 0, count: tracks.count + 1)
        for s in visitSlots { start[Int(s) + 1] += 1 }
        for k in tracks.indices { start[k + 1] += start[k] }
        var next = start
        var visits = [Mark](repeating: Mark(position: 0, effective: .epoch), count: visitMarks.count)
        for (i, s) in visitSlots.enumerated() {
            visits[next[Int(s)]] = visitMarks[i]
            next[Int(s)] += 1
        }
        return (start, visits)
    }

    /// no-visit: while a household is helped and registered, no gap between the start
    /// of help, its visits and the end of help (or the record) may exceed the visit
    /// interval, nor a year.
    private func judgeVisits(_ county: CountyState, _ out: inout [Finding], _ open: inout [OpenVisit]) {
        enum Step { case help(String, Bool), visit, standing(Bool) }
        let (start, visits) = visitsByTrack()
        for (k, t) in tracks.enumerated() where start[k + 1] > start[k] || !t.helperChanges.isEmpty {
            let id = trackIDs[k]
            var steps: [(mark: Mark, step: Step)] = t.helperChanges.map { ($0.mark, .help($0.cadre, $0.assigned)) }
            steps += visits[start[k]..<start[k + 1]].map { ($0, .visit) }
            steps += t.standings.map { ($0.mark, .standing($0.registered)) }
            steps.sort { $0.mark < $1.mark }
            var helpers = 0, registered = false
            var since: Mark?
            let stream = StreamCategory.household.stream(id)
            func limit(_ day: EffectiveDate) -> Int { min(365, Int(county.policy(on: day).values["visit_interval_days"] ?? 90)) }
            for (mark, step) in steps {
                let helpedBefore = helpers > 0 && registered
                switch step {
                case .help(_, let assigned): helpers += assigned ? 1 : -1
                case .standing(let r): registered = r
                case .visit: break
                }
                let helpedAfter = helpers > 0 && registered
                if let s = since, helpedBefore {
                    let gap = mark.effective.daysSinceEpoch - s.effective.daysSinceEpoch
                    let isVisit: Bool
                    if case .visit = step { isVisit = true } else { isVisit = false }
                    if (isVisit || !helpedAfter) && gap > limit(s.effective) {
                        let what = isVisit ? "相隔 \(gap) 天才走访" : "帮扶结束前 \(gap) 天没有走访"
                        out.append(Finding(rule: "no-visit", stream: stream, position: mark.position, effective: mark.effective,
                                           detail: "\(what)（\(s.effective) 至 \(mark.effective)），超过 \(limit(s.effective)) 天"))
                    }
                    if isVisit { since = mark }
                }
                if !helpedBefore && helpedAfter { since = mark }
                if !helpedAfter { since = nil }
            }
            if let s = since { open.append(OpenVisit(household: id, since: s, limitDays: limit(s.effective))) }
        }
    }

    /// helper-overloaded: each assignment that takes a cadre above the policy's
    /// households per helper, counted by effective date.
    private func judgeHelperLoad(_ county: CountyState, _ out: inout [Finding]) {
        out += Self.helperLoadFindings(helperChangesByHousehold(), policy: county.policy(on:))
    }

    /// A change of helper: assigned or released, when, and which cadre.
    typealias HelperChange = (mark: Mark, cadre: String, assigned: Bool)

    /// Every household's helper changes, in log order (those that have any).
    func helperChangesByHousehold() -> [String: [HelperChange]] {
        var out: [String: [HelperChange]] = [:]
        for (k, t) in tracks.enumerated() where !t.helperChanges.isEmpty { out[trackIDs[k]] = t.helperChanges }
        return out
    }

    /// helper-overloaded over the helper changes of every household.
    static func helperLoadFindings(_ byHousehold: [String: [HelperChange]], policy: (EffectiveDate) -> Policy) -> [Finding] {
        var out: [Finding] = []
        var changes: [(mark: Mark, household: String, cadre: String, assigned: Bool)] = []
        for (id, list) in byHousehold { for c in list { changes.append((c.mark, id, c.cadre, c.assigned)) } }
        changes.sort { $0.mark < $1.mark }
        var helping: [String: Set<String>] = [:]
        for c in changes {
            if c.assigned { helping[c.cadre, default: []].insert(c.household) } else { helping[c.cadre]?.remove(c.household) }
            let n = helping[c.cadre]?.count ?? 0
            let max = Int(policy(c.mark.effective).values["max_households_per_helper"] ?? 5)
            if c.assigned && n > max {
                out.append(Finding(rule: "helper-overloaded", stream: StreamCategory.household.stream(c.household), position: c.mark.position,
                                   effective: c.mark.effective, detail: "干部 \(c.cadre) 自 \(c.mark.effective) 同时帮扶 \(n) 户，超过 \(max) 户"))
            }
        }
        return out
    }

    /// The rules on what a household is at the point: no-helper, measure-mismatch,
    /// cause-without-evidence. The evidence is the identification.
    private func judgeState(_ county: CountyState, _ out: inout [Finding]) {
        for (id, h) in county.households where h.status != .removed {
            guard let t = track(id), let mark = t.identified else { continue }
            let stream = StreamCategory.household.stream(id)
            let supported = h.status == .poor || h.status == .returned || h.status == .exited
            if supported && h.helpers.isEmpty {
                let released = t.helperChanges.last(where: { !$0.assigned }).map(\.mark)
                let at = released ?? mark
                out.append(Finding(rule: "no-helper", stream: stream, position: at.position, effective: at.effective,
                                   detail: "\(h.status.label)户没有帮扶责任人" + (released.map { "（\($0.effective) 起）" } ?? "")))
            }
            if supported && !h.measures.contains(where: { $0.addresses == h.mainCause }) {
                out.append(Finding(rule: "measure-mismatch", stream: stream, position: mark.position, effective: mark.effective,
                                   detail: "主要致贫原因\(h.mainCauseLabel)，\(h.measures.count) 项帮扶措施没有一项针对它"))
            }
            let healthNeeded: [Int]? = h.mainCauseLabel == "因病" ? [2, 3] : h.mainCauseLabel == "因残" ? [4] : nil
            if let needed = healthNeeded, !h.members.contains(where: { needed.contains($0.health) }) {
                let which = needed.compactMap { Labels.health.label(for: $0) }.joined(separator: "或")
                out.append(Finding(rule: "cause-without-evidence", stream: stream, position: mark.position, effective: mark.effective,
                                   detail: "主要致贫原因\(h.mainCauseLabel)，\(h.people) 名成员中没有\(which)"))
            }
        }
    }

    /// duplicate-person and helper-is-beneficiary, from the id numbers.
    private func judgePersons(_ county: CountyState, _ out: inout [Finding]) {
        out += Self.personFindings(memberships, cadres: cadres, status: { county.households[$0]?.status })
    }

    /// A member's span in a household, with the member's id number.
    typealias Span = (idNumber: String, span: Membership)

    /// Every household's memberships (the spans of its members), in log order.
    func membershipsByHousehold() -> [String: [Span]] {
        var out: [String: [Span]] = [:]
        for (idNumber, spans) in memberships { for s in spans { out[s.household, default: []].append((idNumber, s)) } }
        // Over a copy of the keys: sorting while iterating `keys` would copy the dictionary.
        for k in Array(out.keys) { out[k]?.sort { $0.span.from.position < $1.span.from.position } }
        return out
    }

    /// duplicate-person and helper-is-beneficiary over the memberships by id number (each
    /// list in log order), the cadres, and each household's status.
    static func personFindings(_ memberships: [String: [Membership]], cadres: [String: (idNumber: String, mark: Mark)],
                               status: (String) -> HouseholdStatus?) -> [Finding] {
        var out: [Finding] = []
        for (_, spans) in memberships where spans.count > 1 {
            // Each span that begins while the person is in another household: the
            // later entry is the evidence; half-open spans, so a move on one day is not.
            var reported = Set<Int>()
            for i in spans.indices {
                for j in spans.indices where i < j && spans[i].household != spans[j].household {
                    let (a, b) = (spans[i].from.effective, spans[i].from.position) <= (spans[j].from.effective, spans[j].from.position)
                        ? (i, j) : (j, i)
                    let earlier = spans[a], later = spans[b]
                    let start = later.from.effective
                    guard earlier.to.map({ start < $0 }) ?? true, later.to.map({ start < $0 }) ?? true, !reported.contains(b) else { continue }
                    reported.insert(b)
                    out.append(Finding(rule: "duplicate-person", stream: StreamCategory.household.stream(later.household),
                                       position: later.from.position, effective: start,
                                       detail: "成员 \(later.person) 与 \(StreamCategory.household.stream(earlier.household)) 的成员 \(earlier.person) 身份证号相同，\(start) 起同时在册"))
                }
            }
        }
        for (cadre, c) in cadres.sorted(by: { $0.key < $1.key }) {
            guard !c.idNumber.isEmpty, let spans = memberships[c.idNumber] else { continue }
            for s in spans where s.to == nil {
                guard let st = status(s.household), st == .poor || st == .returned || st == .exited else { continue }
                let evidence = max(c.mark.position, s.from.position) == c.mark.position ? c.mark : s.from
                out.append(Finding(rule: "helper-is-beneficiary", stream: StreamCategory.cadre.stream(cadre), position: evidence.position,
                                   effective: evidence.effective,
                                   detail: "干部 \(cadre) 的身份证号属于 \(StreamCategory.household.stream(s.household))（\(st.label)）的成员 \(s.person)",
                                   household: s.household))
            }
        }
        return out
    }

    /// disbursed-to-ineligible: money to a household not registered on the payment's
    /// day: never identified, identified later, or removed or no longer entitled before
    /// that day (a payment on the day of removal still counts as in time).
    static func paymentFindings(_ trails: [FundTrail], standings lookup: (String) -> [Standing]) -> [Finding] {
        var out: [Finding] = []
        for t in trails {
            for p in t.payments {
                guard let id = p.household else { continue }
                let standings = lookup(id)
                if standings.contains(where: { $0.registered && $0.mark.effective == p.effective }) { continue }
                let why: String
                if let last = standings.last(where: { $0.mark.effective < p.effective }) {
                    guard !last.registered else { continue }
                    why = "该户已于 \(last.mark.effective) \(last.what)"
                } else if let first = standings.first {
                    why = "该户 \(first.mark.effective) 才识别纳入"
                } else {
                    why = "该户不是建档立卡户"
                }
                out.append(Finding(rule: "disbursed-to-ineligible", stream: StreamCategory.fund.stream(t.fund), position: p.position,
                                   effective: p.effective, detail: "\(p.from) 于 \(p.effective) 向 \(p.to) 拨付 \(p.amount.yuan) 元，\(why)", household: id))
            }
        }
        return out
    }

    private func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
