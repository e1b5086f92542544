namespace Forwarder.Keepalived.Supervision;

/// <summary>Where an edit of the director's table came from, as its log line says.</summary>
public static class TableChangeOrigin
{
    public const string ControlSocket = "control socket";

    public const string RulesFile = "rules file";

    public const string Checker = "checker";
}
