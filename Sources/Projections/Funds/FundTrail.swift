import EventStore

/// One fund followed from its allocation (下达) through every transfer to the
/// households and projects it paid, and what was returned: per unit, what it received,
/// paid on, returned and still holds, and how long money sat there.
///
/// Money moves first-in, first-out: a unit pays on (or returns) the money it received
/// earliest. That decides which allocation path a payment came by and how long each yuan
/// waited at each unit (`docs/funds.md`).
public struct FundTrail: Sendable, Equatable {
    /// The fund id (the stream without `fund-`).
    public var fund: String
    /// The allocation's document number (文号).
    public var document: String = ""
    /// 资金来源, as its label.
    public var source: String = ""
    public var purpose: String = ""
    /// Every allocation's amount, summed (下达金额).
    public var allocatedAmount: Fen = .zero
    /// When it was allocated; `nil` when the stream has no allocation (yet).
    public var allocated: EffectiveDate?
    /// Every allocation (下达) of money into the fund, in log order.
    public var allocations: [Allocation] = []
    /// Every unit the money reached, in the order it first did.
    public var units: [UnitBalance] = []
    /// Every payment to a household or project, in log order.
    public var payments: [FundPayment] = []
    /// How long each arrival of money waited at its unit (first-in, first-out), for the
    /// `funds-idle` rule: one entry per unit and arriving event.
    public var waits: [Wait] = []
    /// Every event that paid out or returned more than its unit had, for `funds-overdrawn`.
    public var overdrafts: [Overdraft] = []

    /// Money that arrived at a unit by one event, and the longest any of it waited.
    public struct Wait: Sendable, Equatable {
        public var unit: String
        /// The event that brought it (allocation or transfer).
        public var position: UInt64
        public var arrived: EffectiveDate
        public var amount: Fen
        /// The longest wait of any part of it, in days.
        public var days: Int
        /// Part of it is still at the unit at the as-of date.
        public var stillHeld: Bool
    }

    /// Money put into the fund: by which document, to which unit (the channel it came
    /// in by), for what.
    public struct Allocation: Sendable, Equatable {
        public var position: UInt64
        public var effective: EffectiveDate
        public var document: String
        public var to: String
        public var amount: Fen
        public var purpose: String
    }

    /// A payment, transfer or return beyond what its unit had received.
    public struct Overdraft: Sendable, Equatable {
        public var unit: String
        public var position: UInt64
        public var effective: EffectiveDate
        public var amount: Fen
        public var excess: Fen
    }

    /// What one unit did with the fund's money.
    public struct UnitBalance: Sendable, Equatable {
        /// `county-530124`, `town-530124101`, `village-530124101201` or `org-NAME`.
        public var unit: String
        /// How many transfers from the allocation the money first came here by (0 for
        /// the allocation's receiver): the unit's depth in the trail's tree.
        public var depth: Int = 0
        public var received: Fen = .zero
        /// Transferred on to other units, and paid to households and projects.
        public var paid: Fen = .zero
        public var returned: Fen = .zero
        /// Paid out or returned beyond what it had received: the excess.
        public var overdrawn: Fen = .zero
        /// The longest any of it sat here: from its arrival to its leaving, or to the
        /// as-of date while it is still here (first-in, first-out).
        public var daysHeld: Int = 0
        /// What it holds now: received - paid - returned (never below zero).
        public var held: Fen { get throws { max(.zero, try received - paid - returned + overdrawn) } }
    }

    /// One payment to a household or project.
    public struct FundPayment: Sendable, Equatable {
        public var position: UInt64
        public var effective: EffectiveDate
        /// The paying unit.
        public var from: String
        /// `household-ID` or `project-ID`.
        public var to: String
        public var amount: Fen
        public var purpose: String
        public var voucher: String
        /// The units the money came through, from the allocation's receiver to the payer
        /// (of the earliest money paid, first-in, first-out).
        public var path: [String]
    }
}

extension FundTrail.FundPayment {
    /// The household paid (``to`` without `household-`), or `nil` for a project. An empty
    /// id counts: a FundDisbursed whose household is `""` pays household `""`.
    var household: String? { StreamCategory.household.id(orEmptyOf: to) }
    /// The project paid (``to`` without `project-`), or `nil` for a household or a payment
    /// without a recipient. An empty id counts, as for ``household``.
    var project: String? { StreamCategory.project.id(orEmptyOf: to) }
}

extension FundTrail {
    /// Folds one fund stream's events (corrections applied as of `asOf`).
    ///
    /// - Parameters:
    ///   - fund: The fund id.
    ///   - events: The stream's events, in order.
    ///   - asOf: The point in time.
    ///   - until: The date money still held is counted to (days held).
    /// - Throws: When an event's payload does not decode.
    public static func build(fund: String, events: [LoggedEvent], asOf: AsOf, until: EffectiveDate) throws -> FundTrail {
        var fold = TrailFold(fund: fund)
        for e in try Corrections.visible(events, asOf: asOf) {
            switch e.kind {
            case .fundAllocated: try fold.allocated(try e.decode(Fp_FundAllocated.self), by: e)
            case .fundTransferred: try fold.transferred(try e.decode(Fp_FundTransferred.self), by: e)
            case .fundDisbursed: try fold.disbursed(try e.decode(Fp_FundDisbursed.self), by: e)
            case .fundReturned: try fold.returned(try e.decode(Fp_FundReturned.self), by: e)
            default: continue
            }
        }
        fold.stillHeld(until: until)
        return fold.trail
    }

    /// A fund's trail as its events are folded in, with the money each unit holds.
    private struct TrailFold {
        var trail: FundTrail
        /// The money at each unit, oldest first.
        var lots: [String: [Lot]] = [:]
        /// Each unit's index in `trail.units`.
        var order: [String: Int] = [:]
        /// "unit#position" -> index in `trail.waits`.
        var waitIndex: [String: Int] = [:]

        init(fund: String) { trail = FundTrail(fund: fund) }

        /// Money put into the fund (下达): to its receiving unit.
        mutating func allocated(_ m: Fp_FundAllocated, by e: LoggedEvent) throws {
            trail.document = m.document
            trail.source = Labels.fundSource.label(for: m.source.rawValue) ?? ""
            trail.purpose = m.purpose
            let amount = Fen(m.amountFen)
            try trail.allocatedAmount += amount
            trail.allocated = trail.allocated ?? e.effective
            trail.allocations.append(Allocation(position: e.position, effective: e.effective, document: m.document, to: m.to,
                                                amount: amount, purpose: m.purpose))
            try receive(m.to, amount, e.effective, path: [m.to], by: e.position)
        }

        /// Money passed on from one unit to another, oldest first, each piece keeping its path.
        mutating func transferred(_ m: Fp_FundTransferred, by e: LoggedEvent) throws {
            let from = unit(m.from), amount = Fen(m.amountFen)
            try trail.units[from].paid += amount
            for piece in try take(m.from, amount, e.effective, by: e.position) {
                try receive(m.to, piece.amount, e.effective, path: piece.path + [m.to], by: e.position)
            }
        }

        /// Money paid to a household or project, by the path of the oldest money paid.
        mutating func disbursed(_ m: Fp_FundDisbursed, by e: LoggedEvent) throws {
            let from = unit(m.from), amount = Fen(m.amountFen)
            try trail.units[from].paid += amount
            let pieces = try take(m.from, amount, e.effective, by: e.position)
            let to: String
            switch m.recipient {
            case .household(let h): to = StreamCategory.household.stream(h)
            case .project(let p): to = StreamCategory.project.stream(p)
            case nil: to = ""
            }
            trail.payments.append(FundPayment(position: e.position, effective: e.effective, from: m.from, to: to,
                                              amount: amount, purpose: m.purpose, voucher: m.voucher,
                                              path: pieces.first?.path ?? [m.from]))
        }

        /// Money a unit returned, oldest first.
        mutating func returned(_ m: Fp_FundReturned, by e: LoggedEvent) throws {
            let from = unit(m.from), amount = Fen(m.amountFen)
            try trail.units[from].returned += amount
            _ = try take(m.from, amount, e.effective, by: e.position)
        }

        /// Money still held has waited until the as-of date.
        mutating func stillHeld(until: EffectiveDate) {
            for (name, held) in lots {
                guard let i = order[name] else { continue }
                for lot in held where lot.amount > .zero {
                    let days = until.daysSinceEpoch - lot.since.daysSinceEpoch
                    trail.units[i].daysHeld = max(trail.units[i].daysHeld, days)
                    waited(lot, name, days: days, stillHeld: true)
                }
            }
        }

        /// Notes how long part of a lot waited at a unit, in the wait of its arrival.
        private mutating func waited(_ lot: Lot, _ unitName: String, days: Int, stillHeld: Bool) {
            let key = unitName + "#" + String(lot.position)
            if let i = waitIndex[key] {
                trail.waits[i].days = max(trail.waits[i].days, days)
                trail.waits[i].stillHeld = trail.waits[i].stillHeld || stillHeld
            } else {
                waitIndex[key] = trail.waits.count
                trail.waits.append(Wait(unit: unitName, position: lot.position, arrived: lot.since, amount: lot.original,
                                        days: days, stillHeld: stillHeld))
            }
        }

        /// A unit's index in `trail.units`, added the first time the money reaches it.
        private mutating func unit(_ name: String) -> Int {
            if let i = order[name] { return i }
            order[name] = trail.units.count
            trail.units.append(UnitBalance(unit: name))
            return trail.units.count - 1
        }

        /// Money arriving at a unit by an event, by the path it came.
        private mutating func receive(_ name: String, _ amount: Fen, _ date: EffectiveDate, path: [String], by position: UInt64) throws {
            let i = unit(name)
            if trail.units[i].received == .zero { trail.units[i].depth = path.count - 1 }
            try trail.units[i].received += amount
            lots[name, default: []].append(Lot(amount: amount, original: amount, since: date, path: path, position: position))
        }

        /// Takes `amount` from a unit, oldest money first; returns the pieces taken.
        private mutating func take(_ name: String, _ amount: Fen, _ date: EffectiveDate, by position: UInt64) throws -> [Lot] {
            let i = unit(name)
            var rest = amount
            var taken: [Lot] = []
            while rest > .zero, var lot = lots[name]?.first {
                let piece = min(rest, lot.amount)
                let days = date.daysSinceEpoch - lot.since.daysSinceEpoch
                trail.units[i].daysHeld = max(trail.units[i].daysHeld, days)
                waited(lot, name, days: days, stillHeld: false)
                taken.append(Lot(amount: piece, original: piece, since: date, path: lot.path, position: position))
                try lot.amount -= piece
                try rest -= piece
                if lot.amount == .zero { lots[name]?.removeFirst() } else { lots[name]?[0] = lot }
            }
            if rest > .zero {
                try trail.units[i].overdrawn += rest
                trail.overdrafts.append(Overdraft(unit: name, position: position, effective: date, amount: amount, excess: rest))
                taken.append(Lot(amount: rest, original: rest, since: date, path: [name], position: position))
            }
            return taken
        }
    }

    /// Money at one unit: how much, since when, and by which units it came.
    struct Lot {
        var amount: Fen
        /// What arrived by that event, before any of it left.
        var original: Fen
        var since: EffectiveDate
        var path: [String]
        /// The event that brought it here.
        var position: UInt64
    }
}

/// Every fund of a store, as of a point.
public enum FundLedger {
    /// Reads every `fund-` stream (one pass over the log) and folds each.
    ///
    /// - Complexity: O(n) in the log; the fund events are decoded, the rest skipped by
    ///   their stream name's first bytes.
    public static func trails(_ store: any EventLog, asOf: AsOf) throws -> [FundTrail] {
        try read(store, asOf: asOf).trails
    }

    /// The fund trails and the projects, as of a point.
    public struct Reading: Sendable {
        public var trails: [FundTrail]
        /// The day the record ends at the point (``AsOf/endOfRecord(in:)``).
        public var horizon: EffectiveDate
        /// Every project, by id (without `project-`), with the money paid to it.
        public var projects: [String: ProjectState]

        /// A project's notices: from, to (inclusive).
        public func notices(_ project: String) -> [ProjectState.Notice] { projects[project]?.notices ?? [] }
    }

    /// What the folds need of a record (no actor, type by kind): lighter than a whole
    /// `RecordedEvent` when a county's every fund event is held at once.
    static func event(_ r: BorrowedRecord) -> LoggedEvent {
        LoggedEvent(position: r.position, version: r.version, kind: EventKind(typeBytes: r.typeBytes), effective: r.effective,
                    recorded: r.recorded, payload: Array(r.payload))
    }

    /// The first bytes of a fund's and a project's stream names, for the pass over the
    /// log (a name that is only the prefix counts, with the id `""`).
    static let fundPrefix = Array(StreamCategory.fund.prefix.utf8), projectPrefix = Array(StreamCategory.project.prefix.utf8)

    /// One pass over the log: every fund stream folded, every project.
    public static func read(_ store: any EventLog, asOf: AsOf) throws -> Reading {
        var funds: [String: [LoggedEvent]] = [:]
        var projectEvents: [String: [LoggedEvent]] = [:]
        var order: [String] = []
        var latest: EffectiveDate?
        try store.forEachRecord { r in
            asOf.noteEndOfRecord(r, &latest)
            if r.streamBytes.starts(with: fundPrefix) {
                let name = String(r.stream.dropFirst(fundPrefix.count))
                if funds[name] == nil { order.append(name) }
                funds[name, default: []].append(event(r))
            } else if r.streamBytes.starts(with: projectPrefix) {
                projectEvents[String(r.stream.dropFirst(projectPrefix.count)), default: []].append(event(r))
            }
            return true
        }
        let until = asOf.endOfRecord(latest: latest)
        let trails = try order.map { try FundTrail.build(fund: $0, events: funds[$0] ?? [], asOf: asOf, until: until) }
        var projects: [String: ProjectState] = [:]
        for (id, events) in projectEvents {
            let p = try ProjectState.build(id: id, events: events, asOf: asOf)
            if !p.village.isEmpty || !p.notices.isEmpty { projects[id] = p }
        }
        for t in trails {
            for p in t.payments { if let id = p.project { try projects[id]?.received += p.amount } }
        }
        return Reading(trails: trails, horizon: until, projects: projects)
    }

    /// One fund, read through the stream index.
    public static func trail(_ store: any EventLog, fund: String, asOf: AsOf) throws -> FundTrail? {
        let events = try store.readStream(StreamCategory.fund.stream(fund)).map(LoggedEvent.init)
        guard !events.isEmpty else { return nil }
        return try FundTrail.build(fund: fund, events: events, asOf: asOf, until: asOf.endOfRecord(latest: try asOf.endOfRecord(in: store)))
    }
}
