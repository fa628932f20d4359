import ArgumentParser
import EventStore
import Foundation
import PostgresStore
import Projections

/// `fprepl generate`: a synthetic county (`docs/generator.md`).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a synthetic county into a new store (deterministic for a seed).")

    @Option(name: .long, help: "The store to create: a directory, or postgres://USER@HOST[:PORT]/DB (the county's log).")
    var store: String

    @Option(name: .long, help: "Households to generate.")
    var households: Int = 10_000

    @Option(name: .long, help: "Random seed: the same seed gives the same county.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Years to cover, FIRST-LAST.")
    var years: String = "2014-2023"

    func run() throws {
        let parts = years.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, parts[0] <= parts[1], parts[0] >= 2013, parts[1] <= 2030 else {
            throw ValidationError("--years takes FIRST-LAST, such as 2014-2023")
        }
        guard households > 0 else { throw ValidationError("--households must be at least 1") }
        let parameters = SyntheticCounty.Parameters(households: households, seed: seed, years: parts[0]...parts[1])
        // A new directory is built beside its path and renamed there at the end, so a
        // generate that fails or is killed leaves no plausible partial county behind.
        let isDirectory = !PostgresAddress.isAddress(store)
        let building = isDirectory && !FileManager.default.fileExists(atPath: store)
            ? store.trimmingTrailingSlashes + ".generating-\(getpid())" : nil
        let target: any EventLog
        do {
            // A new directory is written without a sync per batch (synced at the end).
            if PostgresAddress.isAddress(store),
               let named = try PostgresAddress(store, environment: ProcessInfo.processInfo.environment).county,
               named != parameters.county {
                throw StoreError(.invalidArgument, "the generated county's code is \(parameters.county), not \(named): "
                    + "use ?county=\(parameters.county) or leave it out")
            }
            target = try StoreOpener.open(building ?? store, readOnly: false, durability: .none, county: { parameters.county })
        } catch let e as StoreError {
            printError("error: cannot open the store: \(e)")
            throw ExitCode(1)
        }
        guard target.endPosition == 0 else {
            printError("error: \(store) already holds \(target.endPosition) events; generate into a new store")
            throw ExitCode(1)
        }
        do {
            try generate(parameters, into: target, finishing: building)
        } catch {
            try? target.close()
            if let building { try? FileManager.default.removeItem(atPath: building) }
            let kept = building != nil ? "nothing was kept" : "the store holds what was written before the failure"
            printError("error: generate: \(error); \(kept)")
            throw ExitCode(1)
        }
    }

    /// Writes the county, saves its projections, and (for a new directory built beside
    /// its path) renames the store into place.
    private func generate(_ parameters: SyntheticCounty.Parameters, into target: any EventLog, finishing building: String?) throws {
        let progress = Progress(label: "generating", enabled: isatty(2) == 1)
        let clock = ContinuousClock()
        let start = clock.now
        var county = SyntheticCounty(parameters)
        // No Ctrl-C handler here: Ctrl-C ends fprepl generate where it is.
        let written = try county.write(into: target) { try? progress.update(done: $0, unit: "events") }
        try (target as? EventStore)?.sync()
        progress.finish()
        let seconds = (clock.now - start).seconds
        print("generated \(households) households, \(written) events into \(building == nil ? target.location : store) in \(String(format: "%.1f", seconds)) s")
        // The projections kept beside the log, built now so that the first question is
        // answered at once: the findings (judged: `docs/findings.md`) and the county.
        let judging = Progress(label: "judging the findings", enabled: isatty(2) == 1)
        let judgingStart = clock.now
        let (findings, folded, _) = try FindingRules.now(target, save: true, progress: judging.counting("events"))
        if let folded { try? CountySnapshot.save(folded, store: target) }
        judging.finish()
        try target.close()
        if let building {
            guard rename(building, store) == 0 else {
                throw StoreError(.io, "cannot rename the finished store from \(building): \(String(cString: strerror(errno)))", path: store, errno: errno)
            }
            let parent = (store.trimmingTrailingSlashes as NSString).deletingLastPathComponent
            let fd = open(parent.isEmpty ? "." : parent, O_RDONLY)
            if fd >= 0 { _ = fsync(fd); _ = Glibc.close(fd) }
        }
        print("judged \(findings.count) findings and saved them with the county beside the log in "
            + String(format: "%.1f", (clock.now - judgingStart).seconds) + " s")
    }
}

extension String {
    /// The path without the slashes it may end in (`county/` is `county`).
    fileprivate var trimmingTrailingSlashes: String {
        var s = Substring(self)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
