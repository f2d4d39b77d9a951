package ocipserver

import (
	"net/http"
	"net/url"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// The WSDL describes the service the way Axis 1.4 published it (wrapped
// document/literal): clients generated from it (.NET proxies, PHP
// SoapClient, zeep) depend on these names, namespaces and wrapper shapes,
// not on the wording. processMessage is another name for the same
// operation; the server answers both with processOCIMessageResponse (the
// request wrapper is not told apart), so both operations declare that
// output element. Output elements may be shared; only input wrappers must
// be unique for document/literal dispatch.
//
// wsdlHead is everything before the endpoint address and wsdlTail what
// follows it; the address is the only part that varies.
const wsdlHead = `<?xml version="1.0" encoding="UTF-8"?>
<!-- BroadWorks OCI-P provisioning service, SOAP 1.1 document/literal wrapped. Served by Switchboard. -->
<wsdl:definitions targetNamespace="urn:com:broadsoft:webservice"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="urn:com:broadsoft:webservice">
  <wsdl:types>
    <xsd:schema targetNamespace="urn:com:broadsoft:webservice" elementFormDefault="qualified">
      <xsd:element name="processOCIMessage">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="in0" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="processOCIMessageResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="processOCIMessageReturn" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="processMessage">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="in0" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>

  <wsdl:message name="processOCIMessageRequest">
    <wsdl:part name="parameters" element="tns:processOCIMessage"/>
  </wsdl:message>
  <wsdl:message name="processOCIMessageResponse">
    <wsdl:part name="parameters" element="tns:processOCIMessageResponse"/>
  </wsdl:message>
  <wsdl:message name="processMessageRequest">
    <wsdl:part name="parameters" element="tns:processMessage"/>
  </wsdl:message>
  <wsdl:message name="processMessageResponse">
    <wsdl:part name="parameters" element="tns:processOCIMessageResponse"/>
  </wsdl:message>

  <wsdl:portType name="BWProvisioningService">
    <wsdl:operation name="processOCIMessage">
      <wsdl:input name="processOCIMessageRequest" message="tns:processOCIMessageRequest"/>
      <wsdl:output name="processOCIMessageResponse" message="tns:processOCIMessageResponse"/>
    </wsdl:operation>
    <wsdl:operation name="processMessage">
      <wsdl:input name="processMessageRequest" message="tns:processMessageRequest"/>
      <wsdl:output name="processMessageResponse" message="tns:processMessageResponse"/>
    </wsdl:operation>
  </wsdl:portType>

  <wsdl:binding name="ProvisioningServiceSoapBinding" type="tns:BWProvisioningService">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="processOCIMessage">
      <soap:operation soapAction=""/>
      <wsdl:input name="processOCIMessageRequest">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="processOCIMessageResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="processMessage">
      <soap:operation soapAction=""/>
      <wsdl:input name="processMessageRequest">
        <soap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="processMessageResponse">
        <soap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>

  <wsdl:service name="BWProvisioningServiceService">
    <wsdl:port name="ProvisioningService" binding="tns:ProvisioningServiceSoapBinding">
      <soap:address`

const wsdlTail = `/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`

// appendWSDL appends the WSDL with location as the endpoint address.
func appendWSDL(b []byte, location string) []byte {
	b = append(b, wsdlHead...)
	b = ocixml.AppendAttr(b, "location", location)
	return append(b, wsdlTail...)
}

// serveWSDL answers GET ?wsdl. The address inside matters: zeep posts to
// it, not to the URL it fetched the WSDL from.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request) {
	writeXML(w, http.StatusOK, appendWSDL(nil, s.soapLocation(r)))
}

// soapLocation is the endpoint address for the WSDL: the configured public
// URL, or the scheme and Host the client used.
func (s *Server) soapLocation(r *http.Request) string {
	if p := s.cfg.SOAP.PublicURL; p != "" {
		u, err := url.Parse(p) // checked by Validate
		if err == nil && (u.Path == "" || u.Path == "/") {
			u.Path = SOAPPath
			return u.String()
		}
		return p
	}
	scheme := "http"
	if s.isHTTPS(r) {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost" // HTTP/1.0 without Host
	}
	return scheme + "://" + host + SOAPPath
}
