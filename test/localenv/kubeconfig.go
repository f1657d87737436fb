/*
Copyright 2026 The Knative Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package localenv

import (
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfigs writes the admin kubeconfig and the one impersonating the
// controller's ServiceAccount, and sets the matching REST configs.
func (e *Env) writeKubeconfigs() error {
	admin := kubeconfigFor(e.AdminConfig, "localenv-admin", nil)
	if err := clientcmd.WriteToFile(*admin, e.AdminKubeconfig); err != nil {
		return err
	}
	ctrl := kubeconfigFor(e.AdminConfig, "net-certmanager-controller", &rest.ImpersonationConfig{
		UserName: ControllerUser,
		Groups:   ControllerGroups,
	})
	if err := clientcmd.WriteToFile(*ctrl, e.ControllerKubeconfig); err != nil {
		return err
	}
	e.ControllerConfig = rest.CopyConfig(e.AdminConfig)
	e.ControllerConfig.Impersonate = rest.ImpersonationConfig{UserName: ControllerUser, Groups: ControllerGroups}
	return nil
}

func kubeconfigFor(cfg *rest.Config, user string, as *rest.ImpersonationConfig) *clientcmdapi.Config {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["localenv"] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
	}
	auth := &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
		Token:                 cfg.BearerToken,
	}
	if as != nil {
		auth.Impersonate = as.UserName
		auth.ImpersonateGroups = as.Groups
	}
	kc.AuthInfos[user] = auth
	kc.Contexts["localenv"] = &clientcmdapi.Context{Cluster: "localenv", AuthInfo: user}
	kc.CurrentContext = "localenv"
	return kc
}
