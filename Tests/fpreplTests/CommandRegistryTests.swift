import Foundation
import Testing
@testable import fprepl

/// The registry is the one list of commands: every declaration is complete, its example
/// parses, help and the docs' command table are made from it.
@Suite struct CommandRegistryTests {
    @Test func everyCommandIsDeclaredWholly() throws {
        var names: Set<String> = []
        for c in CommandRegistry.all {
            #expect(!c.summary.isEmpty && !c.example.isEmpty && !c.reference.isEmpty, "\(c.name)")
            #expect(names.insert(c.name).inserted, "\(c.name) is declared twice")
            for form in c.usage { #expect(form.hasPrefix(c.name), "\(c.name): usage \(form)") }
            // The example is a line the command takes.
            let call = try #require(try CommandParser.parse(c.example), "\(c.name): \(c.example)")
            #expect(same(call.command, c), "\(c.example) starts \(call.command.name)")
        }
        #expect(CommandRegistry.commandNames.first == "status")
        #expect(CommandRegistry.dotCommandNames == [".help", ".mode", ".output", ".read", ".timer", ".as", ".quit"])
    }

    @Test func aliasesFindTheirCommand() throws {
        for alias in [".exit", "quit", "exit"] { #expect(same(CommandRegistry.command(named: alias), QuitCommand.self), "\(alias)") }
        #expect(CommandRegistry.command(named: "nope") == nil)
    }

    @Test func helpListsEveryCommandAndShowsOneWithItsOptions() throws {
        let list = try HelpCommand.text(for: nil)
        for c in CommandRegistry.all { #expect(list.contains("\n" + c.name + " ") || list.hasPrefix(c.name + " "), "\(c.name)") }
        #expect(try HelpCommand.text(for: "replay") == """
            replay: \(ReplayCommand.summary)
            usage: replay ID [--until DATE|#POS] [--step]
            options:
              --until DATE|#POS  stop after the last event effective on or before DATE, or at position POS
              --step             on a terminal, wait for Enter between events (q and Enter, Ctrl-C or Ctrl-D stop)
            example: replay 5301241012010001 --until 2017-12-31 --step

            """)
        // `.help mode` finds `.mode`; several forms are listed one under the other.
        #expect(try HelpCommand.text(for: "mode").hasPrefix(".mode: "))
        #expect(try HelpCommand.text(for: "funds").contains("usage: funds FUNDID\n       funds household ID\n"))
        #expect(throws: CommandError.self) { try HelpCommand.text(for: "nope") }
    }

    /// `docs/repl.md`'s command table is the registry's. With `FP_WRITE_DOCS=1` the test
    /// writes it there instead (then review the diff).
    @Test func theDocsCommandTableIsTheRegistrys() throws {
        let path = DocExamplesTests.root.appendingPathComponent("docs/repl.md").path
        let page = try String(contentsOfFile: path, encoding: .utf8)
        let begin = "<!-- commands: begin (made from the declarations: FP_WRITE_DOCS=1 swift test --filter CommandRegistryTests) -->\n"
        let end = "<!-- commands: end -->\n"
        let start = try #require(page.range(of: begin), "docs/repl.md has the marker \(begin)")
        let stop = try #require(page.range(of: end, range: start.upperBound..<page.endIndex))
        // Blank lines around the table, so that every Markdown reader sees a table.
        let table = "\n" + CommandRegistry.markdownTable() + "\n"
        if ProcessInfo.processInfo.environment["FP_WRITE_DOCS"] == "1" {
            try (page[..<start.upperBound] + table + page[stop.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(page[start.upperBound..<stop.lowerBound]) == table)
    }
}

/// Whether two command declarations are the same type.
func same(_ a: (any ReplCommand.Type)?, _ b: any ReplCommand.Type) -> Bool {
    a.map { ObjectIdentifier($0) == ObjectIdentifier(b) } ?? false
}
