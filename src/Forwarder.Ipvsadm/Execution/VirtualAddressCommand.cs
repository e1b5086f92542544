using System.Text;
using Forwarder.Core.Frames;
using Forwarder.Core.Ownership;
using Forwarder.Core.Topology;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// <c>forwarder vip take|release|list [ADDRESS...]</c> on the director's side: the control socket carries it as an ordinary
/// request whose arguments start with <see cref="Marker"/>, so it runs on the engine's thread between two frames like any
/// ipvsadm command. take and release name at least one IPv4 or IPv6 unicast address and change nothing when one is bad; list prints
/// one line per owned address, "ADDRESS on INTERFACE", after "every service address" for a director that owns them all.
/// </summary>
public static class VirtualAddressCommand
{
    public const string Marker = "--forwarder-vip";

    public const string Usage = "usage: vip take ADDRESS... | vip release ADDRESS... | vip list";

    public static bool IsVipRequest(IReadOnlyList<string> arguments) => arguments.Count > 0 && arguments[0] == Marker;

    /// <param name="arguments">The request's arguments, <see cref="Marker"/> first.</param>
    /// <param name="ownership">The director's ownership; null where there is none to move, and then all is refused.</param>
    /// <param name="now">The engine's clock: when the gratuitous ARP (or Neighbour Advertisements) of a take is due.</param>
    public static IpvsadmResult Run(IReadOnlyList<string> arguments, VirtualAddressOwnership? ownership, long now)
    {
        var action = arguments.Count > 1 ? arguments[1] : string.Empty;
        var words = arguments.Skip(2).ToList();
        if (ownership is null)
        {
            return IpvsadmResult.Failure(IpvsadmExitCodes.Refused, "vip: this director has no addresses to move\n");
        }
        switch (action)
        {
            case "list" when words.Count == 0:
                return new IpvsadmResult(IpvsadmExitCodes.Success, List(ownership), string.Empty);
            case "take" or "release" when words.Count > 0:
                var addresses = new List<InetAddress>();
                foreach (var word in words)
                {
                    if (!InetAddress.TryParse(word, out var address) || IsNoAddress(address))
                    {
                        return IpvsadmResult.Failure(IpvsadmExitCodes.Usage, $"vip {action}: {Forwarder.Core.EchoedText.Of(word)}: not an IPv4 or IPv6 unicast address; nothing was done\n");
                    }
                    addresses.Add(address);
                }
                try
                {
                    if (action == "take")
                    {
                        ownership.Take(addresses, now);
                    }
                    else
                    {
                        ownership.Release(addresses);
                    }
                }
                catch (ArgumentException refused)
                {
                    return IpvsadmResult.Failure(IpvsadmExitCodes.Refused, $"vip {action}: {refused.Message}; nothing was done\n");
                }
                return new IpvsadmResult(IpvsadmExitCodes.Success, string.Empty, string.Empty);
            default:
                return IpvsadmResult.Failure(IpvsadmExitCodes.Usage, Usage + "\n");
        }
    }

    /// <summary>0.0.0.0, ::, ::1 and IPv6 multicast name no address a director could own.</summary>
    private static bool IsNoAddress(InetAddress address) =>
        address.IsIpv4 ? address.Ipv4Value == 0 : InetAddressScopes.IsUnspecifiedOrLoopback(address) || InetAddressScopes.IsMulticast(address);

    private static string List(VirtualAddressOwnership ownership)
    {
        var text = new StringBuilder();
        if (ownership.OwnsEveryServiceAddress)
        {
            text.Append("every service address\n");
        }
        foreach (var owned in ownership.Taken)
        {
            text.Append(owned.Address).Append(" on ").Append(owned.InterfaceName).Append('\n');
        }
        return text.ToString();
    }
}
