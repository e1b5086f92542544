using Forwarder.Conformance.Scenarios;
using Forwarder.Core.Marking;

namespace Forwarder.Conformance.Director;

/// <summary>
/// The mark rules a scenario has restored so far, as Forwarder's <c>--marks</c> takes them. As iptables-restore
/// (without --noflush), a restore replaces its family's mangle table whole and leaves the other family's. A rule
/// Forwarder would not follow throws: the kernel would mark by it, so the comparison would mean nothing.
/// </summary>
public sealed class ScenarioMarks
{
    private readonly IReadOnlyList<string> _interfaceNames;
    private IReadOnlyList<MarkRuleSpec> _ipv4 = [];
    private IReadOnlyList<MarkRuleSpec> _ipv6 = [];

    public ScenarioMarks(IReadOnlyList<string> interfaceNames) => _interfaceNames = interfaceNames;

    /// <summary>Restores <paramref name="step"/>'s file and returns the rules of both families compiled.</summary>
    public MarkRuleSet Restore(MarkRulesStep step, string inputs)
    {
        var parsed = MarksFileParser.Parse(File.ReadAllText(Path.Combine(inputs, step.InputFile)));
        var problems = new List<MarksProblem>(parsed.Problems);
        var family = step.Ipv6 ? MarkFamily.Ipv6 : MarkFamily.Ipv4;
        problems.AddRange(parsed.Rules.Where(rule => rule.Family != family)
            .Select(rule => new MarksProblem(rule.LineNumber, $"a {rule.Family} rule restored by {step.Program} (the file's header names the other family)")));
        if (step.Ipv6)
        {
            _ipv6 = parsed.Rules;
        }
        else
        {
            _ipv4 = parsed.Rules;
        }
        var compiled = MarkRuleSet.Compile([.. _ipv4, .. _ipv6], _interfaceNames, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"line {step.LineNumber}: {step.Program} {step.InputFile}: Forwarder would not follow every rule: {string.Join("; ", problems)}");
        }
        return compiled;
    }
}
