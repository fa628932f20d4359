/// The canonical labels of one categorical field (`docs/households.md`), each with its number in
/// the protobuf enum. Import accepts a label, an older alias (五保户) or the two-digit
/// code (`"01"`); export writes the label.
public struct LabelSet: Sendable {
    /// What the labels are, for error messages: `致贫原因 (cause)`.
    public let name: String
    /// Label, number, older aliases.
    public let entries: [(label: String, number: Int, aliases: [String])]

    init(_ name: String, _ labels: [String], aliases: [String: String] = [:], numbers: [Int]? = nil) {
        self.name = name
        let nums = numbers ?? Array(1...labels.count)
        entries = zip(labels, nums).map { label, n in (label, n, aliases.filter { $0.value == label }.map(\.key)) }
    }

    /// The number for a label, alias or two-digit code, or `nil`.
    public func number(for text: String) -> Int? {
        for e in entries where e.label == text || e.aliases.contains(text) { return e.number }
        if text.utf8.count == 2, text.utf8.allSatisfy({ (48...57).contains($0) }), let n = Int(text),
           entries.contains(where: { $0.number == n }) {
            return n
        }
        return nil
    }

    /// The label of a number, or `nil`.
    public func label(for number: Int) -> String? {
        entries.first { $0.number == number }?.label
    }

    /// The labels, for "one of: ..." messages.
    public var labels: [String] { entries.map(\.label) }
}

/// Every label set of the catalog (`docs/households.md`, categorical labels).
public enum Labels {
    public static let cause = LabelSet("致贫原因 (cause)", ["因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳动力", "缺资金", "交通条件落后", "自身发展动力不足"])
    public static let attribute = LabelSet("贫困户属性 (attribute)", ["一般贫困户", "低保贫困户", "特困供养贫困户"], aliases: ["五保户": "特困供养贫困户"])
    public static let standard = LabelSet("识别标准 (standard)", ["国家标准", "省定标准", "市定标准"])
    public static let health = LabelSet("健康状况 (health)", ["健康", "长期慢性病", "大病", "残疾"])
    public static let labor = LabelSet("劳动技能 (labor)", ["普通劳动力", "技能劳动力", "丧失劳动力", "无劳动力"])
    public static let measure = LabelSet("帮扶措施 (measure category)", ["产业帮扶", "就业帮扶", "公益岗位", "教育帮扶", "健康帮扶", "住房安全", "饮水安全", "易地搬迁", "金融帮扶", "兜底保障", "社会帮扶", "基础设施"])
    public static let monitoringCategory = LabelSet("监测对象类别 (monitoring category)", ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"])
    public static let fundSource = LabelSet("资金来源 (fund source)", ["中央财政专项", "省级财政专项", "市级财政专项", "县级财政专项", "统筹整合涉农资金", "东西部协作", "定点帮扶", "社会帮扶", "金融信贷"])
    public static let assetClass = LabelSet("扶贫资产类别 (asset class)", ["经营性", "公益性", "到户类"])
    public static let memberChange = LabelSet("人口变动 (member change)", ["出生", "死亡", "婚入", "婚出", "分户", "迁入", "迁出"])
    public static let visitKind = LabelSet("走访方式 (visit kind)", ["入户", "电话", "微信"])
    public static let foundBy = LabelSet("发现方式 (found by)", ["动态管理", "第三方评估", "巡视", "审计", "自查"])
    public static let housingGrade = LabelSet("住房等级 (housing grade)", ["A", "B", "C", "D"])
    public static let cadreLevel = LabelSet("干部层级 (cadre level)", ["中央", "省", "市", "县", "乡镇", "村"])
    public static let cadreKind = LabelSet("干部类别 (cadre kind)", ["在编干部", "企业管理人员", "村干部", "其他"])
    public static let correctionAction = LabelSet("更正方式 (correction action)", ["retract", "replace"])
}
