namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Throwaway PKI for mutual TLS tests, made with openssl in a directory removed on
/// dispose: a CA, the agent's certificate (for 127.0.0.1) and a client's, both signed by it, and
/// a second CA with a client of its own that the agent must refuse.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly string _dir = Paths.NewTempDirectory();

    public TestCertificates()
    {
        MakeCa("ca");
        MakeCa("other-ca");
        Sign("server", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        Sign("client", "ca", "extendedKeyUsage=clientAuth");
        Sign("stranger", "other-ca", "extendedKeyUsage=clientAuth");
    }

    public string Ca => File("ca.pem");
    public string ServerCertificate => File("server.pem");
    public string ServerKey => File("server.key");
    public string ClientCertificate => File("client.pem");
    public string ClientKey => File("client.key");

    /// <summary>A client certificate from the other CA, and its key.</summary>
    public string StrangerCertificate => File("stranger.pem");
    public string StrangerKey => File("stranger.key");

    /// <summary>The other CA, which signed nothing the agent has.</summary>
    public string OtherCa => File("other-ca.pem");

    private string File(string name) => Path.Combine(_dir, name);

    private void MakeCa(string name) =>
        Shell.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", $"/CN=igtest {name}", "-keyout", File(name + ".key"), "-out", File(name + ".pem"),
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private void Sign(string name, string ca, string extensions)
    {
        Shell.Run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", $"/CN=igtest {name}", "-keyout", File(name + ".key"), "-out", File(name + ".csr"));
        System.IO.File.WriteAllText(File(name + ".ext"), extensions + "\n");
        Shell.Run("openssl", "x509", "-req", "-in", File(name + ".csr"), "-CA", File(ca + ".pem"), "-CAkey", File(ca + ".key"),
            "-CAcreateserial", "-days", "1", "-extfile", File(name + ".ext"), "-out", File(name + ".pem"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
