using Forwarder.Core.Frames;

namespace Forwarder.Core.Marking;

/// <summary>
/// The marks file's rules, compiled for the director's interfaces: what netfilter's mangle PREROUTING chain would
/// have set as a packet's mark before IPVS saw it. As netfilter walks a chain, every rule is tried in order and each
/// one that matches applies its MARK (the target does not end the walk); ACCEPT or RETURN ends it. For the rules
/// LVS operators write (one mark per group of addresses and ports, no overlap) that is the mark of the one rule that
/// matches. Classifying allocates nothing: the rules are arrays of values, their ports another. As netfilter keeps
/// iptables' and ip6tables' tables apart, IPv4 packets walk the IPv4 rules (from an iptables-save table) and IPv6
/// packets the IPv6 ones (from an ip6tables-save table).
/// </summary>
public sealed class MarkRuleSet
{
    public static readonly MarkRuleSet Empty = new([], [], []);

    private readonly CompiledMarkRule[] _rules;
    private readonly CompiledMarkRule[] _ipv6Rules;
    private readonly PortMatch[] _ports;

    private MarkRuleSet(CompiledMarkRule[] rules, CompiledMarkRule[] ipv6Rules, PortMatch[] ports)
    {
        _rules = rules;
        _ipv6Rules = ipv6Rules;
        _ports = ports;
    }

    /// <summary>How many IPv4 rules classify.</summary>
    public int Count => _rules.Length;

    /// <summary>How many IPv6 rules classify.</summary>
    public int Ipv6Count => _ipv6Rules.Length;

    /// <summary>
    /// Binds rules to the director's interfaces (by name, in index order; <c>eth+</c> names every interface starting
    /// <c>eth</c>, as iptables). A rule naming no interface the director has matches nothing, and is reported.
    /// </summary>
    public static MarkRuleSet Compile(IReadOnlyList<MarkRuleSpec> rules, IReadOnlyList<string> interfaceNames, ICollection<MarksProblem> problems)
    {
        var compiled = new List<CompiledMarkRule>();
        var ipv6 = new List<CompiledMarkRule>();
        var ports = new List<PortMatch>();
        var all = interfaceNames.Count >= 64 ? ulong.MaxValue : (1UL << interfaceNames.Count) - 1;
        foreach (var rule in rules)
        {
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
            var ipv4 = rule.Family == MarkFamily.Ipv4;
            (ipv4 ? compiled : ipv6).Add(new CompiledMarkRule
            {
                Interfaces = interfaces,
                SourceNetwork = rule.Source.Network & PrefixMask(rule.Source.PrefixLength, ipv4),
                SourceMask = PrefixMask(rule.Source.PrefixLength, ipv4),
                SourceNegated = rule.Source.Negated,
                DestinationNetwork = rule.Destination.Network & PrefixMask(rule.Destination.PrefixLength, ipv4),
                DestinationMask = PrefixMask(rule.Destination.PrefixLength, ipv4),
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
        return new MarkRuleSet(compiled.ToArray(), ipv6.ToArray(), ports.ToArray());
    }

    /// <summary>A prefix's mask: over the low 32 bits for IPv4, over all 128 for IPv6.</summary>
    private static UInt128 PrefixMask(int prefixLength, bool ipv4) => ipv4
        ? Ipv4Address.PrefixMask(prefixLength)
        : prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefixLength);

    /// <summary>
    /// The mark netfilter would give this packet arriving on <paramref name="interfaceIndex"/> (0: none), from the
    /// rules of its family.
    /// </summary>
    public uint Classify(int interfaceIndex, in PacketFields fields)
    {
        var mark = 0u;
        var rules = fields.IsIpv6 ? _ipv6Rules : _rules;
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
    /// director answers ARP (IPv4) or Neighbour Discovery (IPv6) as it does for a TCP or UDP service's.
    /// </summary>
    public bool NamesDestination(InetAddress address, Func<uint, bool> markIsServed)
    {
        var value = address.ToUInt128();
        foreach (var rule in address.IsIpv6 ? _ipv6Rules : _rules)
        {
            if (rule.DestinationMask != 0 && !rule.DestinationNegated && !rule.EndsChain &&
                (value & rule.DestinationMask) == rule.DestinationNetwork && rule.Value != 0 && markIsServed(rule.Value))
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
        if (((fields.SourceAddress.ToUInt128() & rule.SourceMask) == rule.SourceNetwork) == rule.SourceNegated ||
            ((fields.DestinationAddress.ToUInt128() & rule.DestinationMask) == rule.DestinationNetwork) == rule.DestinationNegated)
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
