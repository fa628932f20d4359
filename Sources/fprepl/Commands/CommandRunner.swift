import EventStore

/// Parses one command line and runs it.
enum CommandRunner {
    static let commands = ["status", "household", "households", "count", "history", "replay", "exit-check", "funds", "ledger", "projects", "loans", "findings", "sample", "stats", "rates", "asof", "import", "export",
                           "rebuild", "digest", "verify", "checkpoint", "keygen", "prove", "check", "help"]
    static let dotCommands = [".help", ".mode", ".output", ".read", ".timer", ".as", ".quit"]

    /// The text after the command word, as typed (quotes and spacing kept for the
    /// query parser).
    static func rest(_ text: String, after name: String) -> String {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        return String(trimmed.dropFirst(name.count))
    }

    static func run(_ text: String, in session: Session) throws -> String {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let name = words.first else { return "" }
        let args = Array(words.dropFirst())
        switch name.lowercased() {
        case "status":
            guard args.isEmpty else { throw CommandError("status takes no arguments") }
            return try StatusCommand.run(session)
        case "household": return try HouseholdCommands.household(args, session)
        case "households": return try HouseholdQueryCommands.households(rest(text, after: name), session)
        case "count": return try HouseholdQueryCommands.count(rest(text, after: name), session)
        case "history": return try HouseholdCommands.history(args, session)
        case "replay": return try ReplayCommand.run(args, session)
        case "funds": return try FundCommands.run(args, session)
        case "findings": return try FindingsCommand.run(rest(text, after: name), session)
        case "ledger": return try LedgerCommand.run(args, session)
        case "sample": return try SampleCommand.run(args, session)
        case "projects": return try ProjectsCommand.run(args, session)
        case "loans": return try LoansCommand.run(args, session)
        case "exit-check": return try ExitCheckCommand.run(args, session)
        case "stats": return try CountyCommands.stats(args, session)
        case "rates": return try CountyCommands.rates(args, session)
        case "import": return try TransferCommands.importFile(args, session)
        case "export": return try TransferCommands.exportFile(args, session)
        case "asof": return try TransferCommands.asof(args, session)
        case "rebuild": return try CountyCommands.rebuild(args, session)
        case "digest": return try VerificationCommands.digest(args, session)
        case "verify": return try VerificationCommands.verify(args, session)
        case "checkpoint": return try VerificationCommands.checkpoint(args, session)
        case "keygen": return try VerificationCommands.keygen(args, session)
        case "prove": return try VerificationCommands.prove(args, session)
        case "check": return try VerificationCommands.check(args, session)
        case "help", ".help":
            return Help.text(for: args.first)
        case ".mode":
            guard args.count == 1, let mode = OutputMode(rawValue: args[0]) else {
                throw CommandError(".mode takes one of: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            session.mode = mode
            return ""
        case ".output":
            guard args.count <= 1 else { throw CommandError(".output takes a file, or nothing to return to stdout") }
            try session.redirectOutput(to: args.first)
            return ""
        case ".read":
            guard args.count == 1 else { throw CommandError(".read takes one script file") }
            try session.read(script: args[0])
            return ""
        case ".timer":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else { throw CommandError(".timer takes on or off") }
            session.timer = args[0] == "on"
            return ""
        case ".as":
            guard args.count == 1, let role = Role(rawValue: args[0]) else {
                throw CommandError(".as takes one of: " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            session.role = role
            return ""
        case ".quit", ".exit":
            session.quit()
            return ""
        default:
            throw CommandError("unknown command '\(name)'; commands: \(commands.joined(separator: ", ")); "
                + "dot commands: \(dotCommands.joined(separator: ", "))")
        }
    }
}

/// `help` and `.help CMD`.
enum Help {
    static let entries: [(String, String, String)] = [
        ("status", "the store: path, events, streams, segments, bytes, last position", "status"),
        ("household", "one household's current state (as of the asof point)", "household 5301241012010001"),
        ("households", "rows of the household projection: households [where EXPR] [order by FIELD [desc]] [limit N]",
         "households where status = 返贫 and cause = 因病 order by income limit 10"),
        ("count", "grouped counts of households and people: count households [where EXPR] by FIELD[,FIELD]",
         "count households where status in (未脱贫, 返贫) by main_cause"),
        ("history", "a household's audit trail: every event, corrections shown beside what they correct", "history 5301241012010001"),
        ("replay", "rebuild a household event by event, showing the fields each event changed; --step waits for Enter between events",
         "replay 5301241012010001 --until 2017-12-31 --step"),
        ("funds", "a fund's trail as a tree (each unit: received, paid on, returned, held, days held) and its payments; or every payment a household received",
         "funds 2016-001"),
        ("ledger", "两笔账: money in, paid to villages (projects) and to households, still held; per exited household and village (lowest, mean, highest); by county, town, village, source, channel, purpose or year",
         "ledger by source"),
        ("sample", "a reproducible evaluation sample as in seed 003: towns at random, in each one village from each band of 贫困发生率 (好, 中, 差), then households",
         "sample --towns 3 --villages 3 --households 43 --seed 2017"),
        ("projects", "each project: village, budget, money received, publicity, completion, acceptance, assets, income distributed", "projects p2016-07"),
        ("loans", "small loans (扶贫小额信贷), all or one household's: issued, due, repaid, outstanding, overdue", "loans 5301241012010001"),
        ("findings", "what an inspection flags, with its evidence (the rules of docs/findings.md); name rules to choose them, where EXPR to keep those about matching households",
         "findings no-visit quick-return where town = 530124101"),
        ("exit-check", "the exit dossier: the line of the exit year, income, 两不愁三保障, procedure steps, verdict", "exit-check 5301241012010001"),
        ("stats", "households, people, poor people, 贫困发生率 and cause shares by area", "stats by town"),
        ("rates", "错评率, 漏评率, 错退率, 综合贫困发生率, 群众认可度 of a period (default: the latest year in the log)", "rates --from 2016-01-01 --to 2016-12-31"),
        ("asof", "set the point in time later queries answer for; alone, show it", "asof effective 2016-12-31"),
        ("import", "append the events of a canonical JSONL file, all or nothing", "import Events/samples/household-life.jsonl"),
        ("export", "write canonical JSONL (names and id numbers masked for analysts)", "export out.jsonl --stream household-5301241012010001"),
        ("rebuild", "fold every projection again from the first record and replace the checkpoint; prints events and events/second", "rebuild"),
        ("digest", "the Merkle tree head: how many records, and the SHA-256 root over them (RFC 6962)", "digest"),
        ("verify", "check every record's checksum and recompute the Merkle tree; with a checkpoint, check the log still holds it",
         "verify --checkpoint march.checkpoint --key inspector-2026.pub"),
        ("keygen", "make an Ed25519 key pair for signing checkpoints: NAME.key (secret) and NAME.pub", "keygen inspector-2026"),
        ("checkpoint", "sign the log's digest (C2SP checkpoint), or check a signed one against the log",
         "checkpoint --sign inspector-2026.key --out march.checkpoint"),
        ("prove", "print a proof (JSON) that a record is in the log, or that the log extends an earlier size",
         "prove consistency 1200 --out since-march.json"),
        ("check", "check a proof against a root you trust, without any store",
         "check consistency since-march.json --old-checkpoint march.checkpoint --new-checkpoint today.checkpoint --key inspector-2026.pub"),
        (".mode", "output mode for what follows: table, json, csv or line", ".mode json"),
        (".output", "send results to a file (mode 0600); .output alone sends them back to stdout", ".output households.csv"),
        (".read", "run the commands of a script file here; its errors name FILE:LINE", ".read monthly-check.fp"),
        (".timer", "on: print each command's elapsed time to stderr", ".timer on"),
        (".as", "viewer role: auditor and inspector see names and id numbers, analyst sees them masked", ".as auditor"),
        (".help", "this list, or one command's help", ".help status"),
        (".quit", "leave fprepl (also Ctrl-D)", ".quit"),
    ]

    static func text(for command: String?) -> String {
        if let command {
            guard let e = entries.first(where: { $0.0 == command || $0.0 == "." + command }) else {
                return "no help for '\(command)'; try: " + entries.map(\.0).joined(separator: ", ") + "\n"
            }
            return "\(e.0): \(e.1)\nexample: \(e.2)\n"
        }
        let w = entries.map { displayWidth($0.0) }.max() ?? 0
        return entries.map { pad($0.0, to: w) + "  " + $0.1 + "\n" }.joined()
    }
}
