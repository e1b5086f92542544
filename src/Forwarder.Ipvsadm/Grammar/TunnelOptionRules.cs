using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// Which tunnel options each --tun-type requires, allows or forbids: ipvsadm 1.31's
/// <c>tunnel_types_v_options</c> table and the messages of its <c>tunnel_opt_check</c>, with the same keys as
/// <see cref="OptionRules"/> ('+' required, 'x' illegal, '1' at most one, ' ' optional).
/// </summary>
public static class TunnelOptionRules
{
    private static readonly IpvsadmOption[] Columns =
    [
        IpvsadmOption.TunnelPort, IpvsadmOption.TunnelNoChecksum, IpvsadmOption.TunnelChecksum, IpvsadmOption.TunnelRemoteChecksum,
    ];

    //                 tprt nocs csum remc
    private static readonly string[] Table =
    [
        /* ipip */ "xxxx",
        /* gue  */ "+111",
        /* gre  */ "x11x",
    ];

    /// <summary>The word --tun-type takes for each type, and that the messages and listings print.</summary>
    public static string NameOf(TunnelType type) => type switch
    {
        TunnelType.Gue => "gue",
        TunnelType.Gre => "gre",
        _ => "ipip",
    };

    /// <summary>As parse_tun_type: the exact lower-case names only.</summary>
    public static TunnelType? Parse(string word) => word switch
    {
        "ipip" => TunnelType.Ipip,
        "gue" => TunnelType.Gue,
        "gre" => TunnelType.Gre,
        _ => null,
    };

    /// <summary>Throws ipvsadm's message for the first tunnel option the type requires and lacks, or forbids and has.</summary>
    public static void Check(TunnelType type, IReadOnlySet<IpvsadmOption> given)
    {
        var row = Table[(int)type];
        IpvsadmOption? exclusive = null;
        for (var column = 0; column < Columns.Length; column++)
        {
            var option = Columns[column];
            var rule = row[column];
            var name = OptionRules.NameOf(option);
            if (!given.Contains(option))
            {
                if (rule == '+')
                {
                    throw new IpvsadmUsageException($"You need to supply the '{name}' option for the '{NameOf(type)}' tunnel type");
                }
                continue;
            }
            if (rule == 'x')
            {
                throw new IpvsadmUsageException($"Illegal '{name}' option with the '{NameOf(type)}' tunnel type");
            }
            if (rule == '1')
            {
                if (exclusive is { } earlier)
                {
                    throw new IpvsadmUsageException(
                        $"The option '{name}' conflicts with the '{OptionRules.NameOf(earlier)}' option in the '{NameOf(type)}' tunnel type");
                }
                exclusive = option;
            }
        }
    }
}
