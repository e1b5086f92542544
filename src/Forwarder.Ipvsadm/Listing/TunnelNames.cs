using System.Globalization;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// ipvsadm's words for a destination's tunnel: the TunnelInfo column of --tun-info (<c>fwd_tun_info</c>:
/// "ipip", "gue:PORT:FLAGS", "gre:FLAGS", "n/a" when not tunnelled) and the checksum option -S saves.
/// </summary>
internal static class TunnelNames
{
    public static string Column(Destination destination) => destination.Method != ForwardingMethod.Tunnel
        ? ListingFormats.TunnelInfoNone
        : destination.TunnelType switch
        {
            TunnelType.Gue => string.Format(CultureInfo.InvariantCulture, ListingFormats.TunnelInfoGue,
                TunnelOptionRules.NameOf(TunnelType.Gue), destination.TunnelPort, ChecksumFlag(destination.TunnelChecksum)),
            TunnelType.Gre => string.Format(CultureInfo.InvariantCulture, ListingFormats.TunnelInfoGre,
                TunnelOptionRules.NameOf(TunnelType.Gre), ChecksumFlag(destination.TunnelChecksum)),
            _ => TunnelOptionRules.NameOf(TunnelType.Ipip),
        };

    /// <summary>The option that sets the checksum, as -S writes it.</summary>
    public static string ChecksumOption(TunnelChecksum checksum) => checksum switch
    {
        TunnelChecksum.Checksum => "--tun-csum",
        TunnelChecksum.RemoteChecksum => "--tun-remcsum",
        _ => "--tun-nocsum",
    };

    private static string ChecksumFlag(TunnelChecksum checksum) => checksum switch
    {
        TunnelChecksum.Checksum => "+c",
        TunnelChecksum.RemoteChecksum => "r+c",
        _ => "-c",
    };
}
