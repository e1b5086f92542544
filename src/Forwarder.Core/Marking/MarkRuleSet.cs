using Forwarder.Core.Frames;

namespace Forwarder.Core.Marking;

/// <summary>
/// The marks file's rules, compiled for the director's interfaces: what netfilter's mangle PREROUTING chain would
/// have set as a packet's mark before IPVS saw it. As netfilter walks a chain, every rule is tried in order and each
/// one that matches applies its MARK (the target does not end the walk); ACCEPT or RETURN ends it. For the rules
/// LVS operators write (one mark per group of addresses and ports, no overlap) that is the mark of the one rule that
/// matches. Classifying allocates nothing: the rules are one array of values, their ports another.
/// IPv6 rules (from an ip6tables-save table, <see cref="Ipv6Rules"/> as read) classify IPv6 packets, as ip6tables'
/// mangle table marks them before IPVS's IPv6 hooks; IPv4 rules IPv4 packets only.
/// </summary>
public sealed class MarkRuleSet
{
    public static readonly MarkRuleSet Empty = new([], [], [], []);

    private readonly CompiledMarkRule[] _rules;
    private readonly CompiledMarkRule[] _rules6;
    private readonly PortMatch[] _ports;

    private MarkRuleSet(CompiledMarkRule[] rules, CompiledMarkRule[] rules6, PortMatch[] ports, IReadOnlyList<MarkRuleSpec> ipv6Rules)
    {
        _rules = rules;
        _rules6 = rules6;
        _ports = ports;
        Ipv6Rules = ipv6Rules;
    }

    /// <summary>How many IPv4 rules classify (IPv6 ones: <see cref="Ipv6Rules"/>).</summary>
    public int Count => _rules.Length;

    public IReadOnlyList<MarkRuleSpec> Ipv6Rules { get; }

    /// <summary>
    /// Binds rules to the director's interfaces (by name, in index order; <c>eth+</c> names every interface starting
    /// <c>eth</c>, as iptables). A rule naming no interface the director has matches nothing, and is reported.
    /// </summary>
    public static MarkRuleSet Compile(IReadOnlyList<MarkRuleSpec> rules, IReadOnlyList<string> interfaceNames, ICollection<MarksProblem> problems)
    {
        var compiled = new List<CompiledMarkRule>();
        var compiled6 = new List<CompiledMarkRule>();
        var ports = new List<PortMatch>();
        var ipv6 = new List<MarkRuleSpec>();
        var all = interfaceNames.Count >= 64 ? ulong.MaxValue : (1UL << interfaceNames.Count) - 1;
        foreach (var rule in rules)
        {
            if (rule.Family == MarkFamily.Ipv6)
            {
                ipv6.Add(rule);
            }
            var interfaces = all;
            if (rule.InputInterface is { } name)
            {
                var named = InterfacesNamed(name, interfaceNames);
                if (named == 0)
                {
                    problems.Add(new MarksProblem(rule.LineNumber, $"-i {MarksFileParser.Echo(name)}: the director has no such interface ({string.Join(", ", interfaceNames)})"));
                }
                interfaces = rule.InputInterfaceNegated ? all & ~named : named;
            }
            (rule.Family == MarkFamily.Ipv6 ? compiled6 : compiled).Add(new CompiledMarkRule
            {
                Interfaces = interfaces,
                SourceNetwork6 = InetAddress.FromUInt128(rule.Source.Network, isIpv6: true).Masked(rule.Source.PrefixLength),
                SourcePrefix6 = rule.Source.PrefixLength,
                DestinationNetwork6 = InetAddress.FromUInt128(rule.Destination.Network, isIpv6: true).Masked(rule.Destination.PrefixLength),
                DestinationPrefix6 = rule.Destination.PrefixLength,
                SourceNetwork = (uint)rule.Source.Network,
                SourceMask = Ipv4Address.PrefixMask(rule.Source.PrefixLength),
                SourceNegated = rule.Source.Negated,
                DestinationNetwork = (uint)rule.Destination.Network,
                DestinationMask = Ipv4Address.PrefixMask(rule.Destination.PrefixLength),
                DestinationNegated = rule.Destination.Negated,
                Protocol = rule.Protocol,
                FirstPort = ports.Count,
                PortCount = rule.Ports.Count,
                PortsNegated = rule.PortsNegated,
                Value = rule.Value,
                Mask = rule.Mask,
                EndsChain = rule.EndsChain,
            });
            ports.AddRange(rule.Ports);
        }
        return new MarkRuleSet(compiled.ToArray(), compiled6.ToArray(), ports.ToArray(), ipv6);
    }

    /// <summary>The mark netfilter would give this packet arriving on <paramref name="interfaceIndex"/> (0: none): IPv4 rules for IPv4, IPv6 ones for IPv6.</summary>
    public uint Classify(int interfaceIndex, in PacketFields fields)
    {
        var mark = 0u;
        var rules = fields.IsIpv6 ? _rules6 : _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if (!Matches(rule, interfaceIndex, fields))
            {
                continue;
            }
            if (rule.EndsChain)
            {
                break;
            }
            mark = (mark & ~rule.Mask) ^ rule.Value;
        }
        return mark;
    }

    /// <summary>
    /// Whether <paramref name="address"/> is a destination a rule names outright (<c>-d</c>, not negated) for a mark
    /// <paramref name="markIsServed"/> accepts: the virtual addresses of firewall-mark services, for which the
    /// director answers ARP as it does for a TCP or UDP service's.
    /// </summary>
    public bool NamesDestination(uint address, Func<uint, bool> markIsServed)
    {
        foreach (var rule in _rules)
        {
            if (rule.DestinationMask != 0 && !rule.DestinationNegated && !rule.EndsChain &&
                (address & rule.DestinationMask) == rule.DestinationNetwork && rule.Value != 0 && markIsServed(rule.Value))
            {
                return true;
            }
        }
        return false;
    }

    private bool Matches(in CompiledMarkRule rule, int interfaceIndex, in PacketFields fields)
    {
        if (interfaceIndex < 64 && (rule.Interfaces & (1UL << interfaceIndex)) == 0)
        {
            return false;
        }
        if (fields.IsIpv6)
        {
            if (fields.SourceAddress.IsInPrefix(rule.SourceNetwork6, rule.SourcePrefix6) == rule.SourceNegated ||
                fields.DestinationAddress.IsInPrefix(rule.DestinationNetwork6, rule.DestinationPrefix6) == rule.DestinationNegated)
            {
                return false;
            }
        }
        else if (((fields.Source & rule.SourceMask) == rule.SourceNetwork) == rule.SourceNegated ||
            ((fields.Destination & rule.DestinationMask) == rule.DestinationNetwork) == rule.DestinationNegated)
        {
            return false;
        }
        if (rule.Protocol != 0 && rule.Protocol != fields.Protocol)
        {
            return false;
        }
        if (rule.PortCount == 0)
        {
            return true;
        }
        var inRange = false;
        for (var p = rule.FirstPort; p < rule.FirstPort + rule.PortCount; p++)
        {
            if (fields.DestinationPort >= _ports[p].First && fields.DestinationPort <= _ports[p].Last)
            {
                inRange = true;
                break;
            }
        }
        return inRange != rule.PortsNegated;
    }

    private static ulong InterfacesNamed(string name, IReadOnlyList<string> interfaceNames)
    {
        var bits = 0UL;
        var prefix = name.EndsWith('+') ? name[..^1] : null;
        for (var i = 0; i < interfaceNames.Count && i < 64; i++)
        {
            if (prefix is not null ? interfaceNames[i].StartsWith(prefix, StringComparison.Ordinal) : interfaceNames[i] == name)
            {
                bits |= 1UL << i;
            }
        }
        return bits;
    }
}
