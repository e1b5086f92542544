namespace Forwarder.Core.Services;

/// <summary>How a connection reaches its real server: ipvsadm's -m, -g and -i (listed as Masq, Route, Tunnel).</summary>
public enum ForwardingMethod : byte
{
    Masquerade,
    DirectRoute,
    Tunnel,
}
