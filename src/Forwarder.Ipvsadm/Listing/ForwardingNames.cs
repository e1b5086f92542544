using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// ipvsadm's words for a forwarding method: the Forward column (<c>fwd_name</c>) and the -S switch
/// (<c>fwd_switch</c>). Linux 6.1 lists a destination on one of the director's own addresses by its method
/// (Masq, Route), never "Local": the kernel keeps local delivery to the packet path.
/// </summary>
internal static class ForwardingNames
{
    public static string Column(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "Masq",
        ForwardingMethod.DirectRoute => "Route",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => "",
    };

    public static string Switch(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "-m",
        ForwardingMethod.DirectRoute => "-g",
        ForwardingMethod.Tunnel => "-i",
        _ => "",
    };
}
