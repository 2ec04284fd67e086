package apiserver

import (
	"context"

	rsguardv1 "github.com/rsguard/rsguard/proto/rsguard/v1"
)

type configService struct {
	rsguardv1.UnimplementedConfigServiceServer
	s *Server
}

func (c *configService) CheckConfig(ctx context.Context, req *rsguardv1.CheckConfigRequest) (*rsguardv1.CheckConfigResponse, error) {
	res, err := c.s.backend.CheckConfig(ctx, req.GetPath())
	if err != nil {
		return nil, toStatus(err)
	}
	return &rsguardv1.CheckConfigResponse{Path: res.Path, Errors: configErrorsToProto(res.Errors), Plan: res.Plan}, nil
}

func (c *configService) ReloadConfig(ctx context.Context, _ *rsguardv1.ReloadConfigRequest) (*rsguardv1.ReloadConfigResponse, error) {
	res, err := c.s.backend.ReloadConfig(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	c.s.log.WithField("applied", res.Applied).WithField("errors", len(res.Errors)).Info("config reload via API")
	return &rsguardv1.ReloadConfigResponse{
		Path:    res.Path,
		Applied: res.Applied && len(res.Errors) == 0,
		Errors:  configErrorsToProto(res.Errors),
		Changes: res.Changes,
	}, nil
}

func configErrorsToProto(errs []ConfigError) []*rsguardv1.ConfigError {
	out := make([]*rsguardv1.ConfigError, 0, len(errs))
	for _, e := range errs {
		out = append(out, &rsguardv1.ConfigError{File: e.File, Line: clampUint32(e.Line), Key: e.Key, Message: e.Message})
	}
	return out
}
