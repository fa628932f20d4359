/// Where a household stands in the status machine (`docs/households.md`).
public enum HouseholdStatus: String, Sendable, CaseIterable {
    /// 未脱贫: identified, not yet exited.
    case poor = "未脱贫"
    /// 已脱贫 (享受政策): exited, still receiving policy support.
    case exited = "已脱贫"
    /// 已脱贫 (不再享受政策): exited, support ended.
    case exitedNoPolicy = "已脱贫(不再享受政策)"
    /// 返贫: poor again after an exit.
    case returned = "返贫"
    /// 已剔除: removed as misidentified (错评).
    case removed = "已剔除"

    /// The label shown to users and written in JSON.
    public var label: String { rawValue }

    /// Whether the household's people count as 贫困人口.
    public var isPoor: Bool { self == .poor || self == .returned }

    /// Whether it has exited (with or without policy).
    public var hasExited: Bool { self == .exited || self == .exitedNoPolicy }
}
