namespace Forwarder.Core.Marking;

/// <summary>What a marks file gave: its PREROUTING MARK rules of both families in file order, and every line not taken.</summary>
public sealed record ParsedMarks(IReadOnlyList<MarkRuleSpec> Rules, IReadOnlyList<MarksProblem> Problems);
