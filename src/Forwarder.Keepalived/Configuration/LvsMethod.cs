namespace Forwarder.Keepalived.Configuration;

/// <summary><c>lb_kind</c> / <c>lvs_method</c>: how the director forwards to a real server (ipvsadm's -m, -g, -i).</summary>
public enum LvsMethod
{
    Nat,
    DirectRoute,
    Tunnel,
}
