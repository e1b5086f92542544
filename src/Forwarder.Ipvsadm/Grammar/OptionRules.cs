namespace Forwarder.Ipvsadm.Grammar;

/// <summary>
/// Which options each command requires, allows or forbids: ipvsadm 1.31's <c>commands_v_options</c> table
/// and the messages of its <c>generic_opt_check</c>. '+' required, 'x' illegal, '1' at most one of
/// those marked so, ' ' optional.
/// </summary>
public static class OptionRules
{
    private static readonly string[] OptionNames =
    [
        "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
        "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
        "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe", "sched-flags",
        "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum",
        "tun-csum", "tun-remcsum",
    ];

    private static readonly string[] CommandNames =
    [
        "add-service", "edit-service", "delete-service", "flush", "list", "add-server", "delete-server",
        "edit-server", "set", "start-daemon", "stop-daemon", "restore", "save", "zero",
    ];

    //                             1         2         3
    //                   0123456789012345678901234567890123
    //                   -n -c svc -s -p -M -r fwd -w -x -y mc to dm st rt th pc ns si ex op pe -b
    //                   grp port ttl size tinf type tprt nocs csum remc
    private static readonly string[] Table =
    [
        /* add-service    */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        /* edit-service   */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        /* delete-service */ "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* flush          */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* list           */ " 11xxxxxxxxx11       xxxxxxx xxxxx",
        /* add-server     */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        /* delete-server  */ "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* edit-server    */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        /* set            */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* start-daemon   */ "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
        /* stop-daemon    */ "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
        /* restore        */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* save           */ " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* zero           */ "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ];

    public static string NameOf(IpvsadmOption option) => OptionNames[(int)option];

    public static string NameOf(IpvsadmCommandKind command) => CommandNames[(int)command];

    /// <summary>Throws ipvsadm's message for the first option the command requires and lacks, or forbids and has.</summary>
    public static void Check(IpvsadmCommandKind command, IReadOnlySet<IpvsadmOption> given)
    {
        if ((int)command >= Table.Length)
        {
            return;
        }
        var row = Table[(int)command];
        IpvsadmOption? exclusive = null;
        for (var column = 0; column < row.Length; column++)
        {
            var option = (IpvsadmOption)column;
            var rule = row[column];
            if (!given.Contains(option))
            {
                if (rule == '+')
                {
                    throw new IpvsadmUsageException($"You need to supply the '{NameOf(option)}' option for the '{NameOf(command)}' command");
                }
                continue;
            }
            if (rule == 'x')
            {
                throw new IpvsadmUsageException($"Illegal '{NameOf(option)}' option with the '{NameOf(command)}' command");
            }
            if (rule == '1')
            {
                if (exclusive is { } earlier)
                {
                    throw new IpvsadmUsageException($"The option '{NameOf(option)}' conflicts with the '{NameOf(earlier)}' option in the '{NameOf(command)}' command");
                }
                exclusive = option;
            }
        }
    }
}
