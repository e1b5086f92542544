using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// ipvsadm's words for a forwarding method: the Forward column (<c>fwd_name</c>) and the -S switch
/// (<c>fwd_switch</c>). The kernel turns a destination on one of the director's own addresses into
/// "Local", which -S saves as -g.
/// </summary>
internal static class ForwardingNames
{
    public static string Column(ForwardingMethod method, bool isLocal) => isLocal ? "Local" : method switch
    {
        ForwardingMethod.Masquerade => "Masq",
        ForwardingMethod.DirectRoute => "Route",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => "",
    };

    public static string Switch(ForwardingMethod method, bool isLocal) => isLocal ? "-g" : method switch
    {
        ForwardingMethod.Masquerade => "-m",
        ForwardingMethod.DirectRoute => "-g",
        ForwardingMethod.Tunnel => "-i",
        _ => "",
    };
}
