using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Rules;

/// <summary>One command of a rules file, with the line it came from.</summary>
public sealed record RuleLine(int LineNumber, IpvsadmCommand Command);
